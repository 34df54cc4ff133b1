package glow.actors.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import glow.actors.node.TestArtifacts;
import glow.actors.node.TestArtifacts.Item;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The artifact store against a real HTTP server on 127.0.0.1 serving a directory. */
@Timeout(30)
class HttpArtifactStoreTest {
  @TempDir Path files;
  @TempDir Path cache;
  HttpServer server;
  String base;
  final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/artifacts/", ex -> {
      String rel = ex.getRequestURI().getPath().substring("/artifacts/".length());
      hits.computeIfAbsent(rel, k -> new AtomicInteger()).incrementAndGet();
      Path f = files.resolve(rel);
      if (rel.contains("boom")) {
        ex.sendResponseHeaders(500, -1);
      } else if (Files.isRegularFile(f)) {
        byte[] body = Files.readAllBytes(f);
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
      } else {
        ex.sendResponseHeaders(404, -1);
      }
      ex.close();
    });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/artifacts";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void concurrentFetchesOfOneVersionDownloadAndUnpackOnce() throws Exception {
    Path f = TestArtifacts.tarGz(files.resolve("greeter/1.1.0/greeter-1.1.0.tar.gz"), new Item("bin/start", 0755, "#!/bin/sh\n"));
    TestArtifacts.writeSha256(f);
    ArtifactStore store = new ArtifactStore(base, cache);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Path>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(pool.submit(() -> {
        go.await();
        return store.fetch("greeter", "1.1.0");
      }));
    }
    go.countDown();
    for (Future<Path> r : results) assertEquals(cache.resolve("greeter/1.1.0"), r.get(20, TimeUnit.SECONDS));
    pool.shutdown();
    assertEquals(1, hits.get("greeter/1.1.0/greeter-1.1.0.tar.gz").get());
    assertEquals(1, hits.get("greeter/1.1.0/greeter-1.1.0.tar.gz.sha256").get());
    assertTrue(Files.isExecutable(cache.resolve("greeter/1.1.0/bin/start")));
  }

  @Test
  void aMissingArtifactListsTheUrlsTried() {
    ArtifactException e = assertThrows(ArtifactException.class, () -> new ArtifactStore(base, cache).fetch("web", "1.0.0"));
    String b = base + "/web/1.0.0/web-1.0.0";
    assertEquals("artifact web 1.0.0 not found; tried " + b + ".tar.gz, " + b + ".zip, " + b + ".jar; publish it under "
        + base + " or fix image/version in the app's yaml", e.getMessage());
  }

  @Test
  void aServerErrorIsNotMistakenForAbsence() {
    ArtifactException e = assertThrows(ArtifactException.class, () -> new ArtifactStore(base, cache).fetch("boom", "1"));
    assertEquals("artifact boom 1: cannot fetch from " + base + " (GET " + base + "/boom/1/boom-1.tar.gz answered HTTP 500); "
        + "check that the artifact repository is reachable and the cache dir " + cache + " is writable", e.getMessage());
  }

  @Test
  void aChecksumMismatchOverHttpNamesTheUrls() throws Exception {
    Path f = TestArtifacts.tarGz(files.resolve("greeter/1.0.0/greeter-1.0.0.tar.gz"), new Item("a", 0644, "x"));
    Files.writeString(files.resolve("greeter/1.0.0/greeter-1.0.0.tar.gz.sha256"), "0".repeat(64) + " *greeter-1.0.0.tar.gz\n");
    ArtifactException e = assertThrows(ArtifactException.class, () -> new ArtifactStore(base, cache).fetch("greeter", "1.0.0"));
    String url = base + "/greeter/1.0.0/greeter-1.0.0.tar.gz";
    assertTrue(e.getMessage().startsWith("artifact greeter 1.0.0: checksum mismatch for " + url + ": expected " + "0".repeat(64)
        + " (from " + url + ".sha256), got " + ArtifactStore.sha256(f)), e.getMessage());
  }
}
