package glow.app.cluster;

import glow.actors.node.TestArtifacts;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** Writes the artifacts {@link ThreeNodeClusterTest} deploys into an artifact directory, as a user would publish them; stateless. */
final class ClusterArtifacts {
  private ClusterArtifacts() {}

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
    TestArtifacts.tarGz(artifacts, "hello", version, Map.of("bin/start", start));
  }

  /** {@code client/1.0.0/client-1.0.0.tar.gz}: an app that only sleeps; it exists to {@code require} hello on its node. */
  static void client(Path artifacts) throws IOException {
    TestArtifacts.tarGz(artifacts, "client", "1.0.0", Map.of("bin/start", "#!/bin/sh\nexec sleep 3600\n"));
  }
}
