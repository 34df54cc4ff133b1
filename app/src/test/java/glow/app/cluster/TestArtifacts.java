package glow.app.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes the artifacts {@link ThreeNodeClusterTest} deploys into an artifact directory, as a user would publish them. */
final class TestArtifacts {
  private TestArtifacts() {}

  /**
   * {@code hello/VERSION/hello-VERSION.tar.gz}: a {@code bin/start} that runs {@link HelloInstance} from
   * this build's test classes with the version baked in and {@code $PWD} (the instance directory) as
   * its argument.
   */
  static void hello(Path artifacts, String version) throws IOException, URISyntaxException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path classes = Path.of(HelloInstance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    // A small JVM per instance: 3-4 of them share 2 cores with three nodes.
    String start = "#!/bin/sh\n"
        + "exec '" + java + "' -Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss512k -Xshare:auto \\\n"
        + "  -Dhello.version=" + version + " -cp '" + classes + "' " + HelloInstance.class.getName() + " \"$PWD\"\n";
    tarGz(artifacts.resolve("hello/" + version + "/hello-" + version + ".tar.gz"), "bin/start", start);
  }

  /** {@code client/1.0.0/client-1.0.0.tar.gz}: an app that only sleeps; it exists to {@code require} hello on its node. */
  static void client(Path artifacts) throws IOException {
    tarGz(artifacts.resolve("client/1.0.0/client-1.0.0.tar.gz"), "bin/start", "#!/bin/sh\nexec sleep 3600\n");
  }

  private static void tarGz(Path file, String name, String text) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    try (OutputStream o = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(o))) {
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setMode(0100755);
      entry.setSize(body.length);
      tar.putArchiveEntry(entry);
      tar.write(body);
      tar.closeArchiveEntry();
    }
  }
}
