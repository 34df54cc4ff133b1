package glow.actors.artifact;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/** Where artifact files come from: a local directory or an http(s) base URL; one per store. */
interface ArtifactSource {
  /** The address shown in messages for a file below the base. */
  String describe(String relPath);

  /**
   * Copies the file at relPath into target; false when it does not exist there.
   *
   * @throws IOException for anything but absence (unreachable server, error status, unreadable)
   */
  boolean fetch(String relPath, Path target) throws IOException;

  static ArtifactSource of(String base) {
    if (base.startsWith("http://") || base.startsWith("https://")) return new Http(base);
    if (base.startsWith("file:")) return new Dir(Path.of(URI.create(base)));
    return new Dir(Path.of(base));
  }

  /** Files under a directory. */
  record Dir(Path root) implements ArtifactSource {
    @Override
    public String describe(String relPath) {
      return root.resolve(relPath).toString();
    }

    @Override
    public boolean fetch(String relPath, Path target) throws IOException {
      Path f = root.resolve(relPath);
      if (!Files.isRegularFile(f)) return false;
      Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
      return true;
    }
  }

  /** Files under an http(s) base URL, fetched with GET; 404 and 410 mean absent. */
  final class Http implements ArtifactSource {
    private final String base;
    private final HttpClient client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();

    Http(String base) {
      this.base = base.endsWith("/") ? base : base + "/";
    }

    @Override
    public String describe(String relPath) {
      return base + relPath;
    }

    @Override
    public boolean fetch(String relPath, Path target) throws IOException {
      // large artifacts on slow links: minutes, but never forever
      HttpRequest req = HttpRequest.newBuilder(URI.create(base + relPath)).timeout(Duration.ofMinutes(10)).GET().build();
      HttpResponse<Path> resp;
      try {
        resp = client.send(req, HttpResponse.BodyHandlers.ofFile(target));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while fetching " + describe(relPath), e);
      }
      int status = resp.statusCode();
      if (status == 404 || status == 410) {
        Files.deleteIfExists(target);
        return false;
      }
      if (status != 200) {
        Files.deleteIfExists(target);
        throw new IOException("GET " + describe(relPath) + " answered HTTP " + status);
      }
      return true;
    }
  }
}
