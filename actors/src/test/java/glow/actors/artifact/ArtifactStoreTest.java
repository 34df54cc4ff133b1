package glow.actors.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.node.TestArtifacts;
import glow.actors.node.TestArtifacts.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
  @TempDir Path repo;
  @TempDir Path cache;

  ArtifactStore store() {
    return new ArtifactStore(repo.toString(), cache);
  }

  Path artifact(String image, String version, String kind) {
    return TestArtifacts.path(repo, image, version, kind);
  }

  @Test
  void unpacksATarGzKeepingExecBits() throws Exception {
    Path f = TestArtifacts.tarGz(artifact("greeter", "1.0.0", ".tar.gz"),
        new Item("bin/start", 0755, "#!/bin/sh\necho hi\n"), new Item("lib/app.txt", 0644, "data"));
    TestArtifacts.writeSha256(f);
    Path dir = store().fetch("greeter", "1.0.0");
    assertEquals(cache.resolve("greeter/1.0.0"), dir);
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("bin/start"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("lib/app.txt"))));
    assertEquals("data", Files.readString(dir.resolve("lib/app.txt")));
    ArtifactStore.requireStartScript(dir, "greeter", "1.0.0");
  }

  @Test
  void unpacksEachVersionOnceAndServesItFromTheCache() throws Exception {
    Path f = TestArtifacts.tarGz(artifact("greeter", "1.0.0", ".tar.gz"), new Item("a", 0644, "one"));
    ArtifactStore store = store();
    Path dir = store.fetch("greeter", "1.0.0");
    Files.delete(f); // the repository may go away: the unpacked version stays usable
    assertEquals(dir, store.fetch("greeter", "1.0.0"));
    assertEquals("one", Files.readString(dir.resolve("a")));
    try (var entries = Files.list(cache)) {
      assertEquals(1, entries.count(), "no temporary directory left beside greeter/");
    }
  }

  @Test
  void fallsBackToAZipKeepingItsModes() throws Exception {
    TestArtifacts.zip(artifact("web", "2.0", ".zip"), new Item("bin/start", 0750, "#!/bin/sh\n"));
    Path dir = store().fetch("web", "2.0");
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("bin/start"))));
  }

  @Test
  void turnsAJarIntoADirectoryHoldingIt() throws Exception {
    Path jar = artifact("tool", "3", ".jar");
    Files.createDirectories(jar.getParent());
    Files.write(jar, new byte[] {1, 2, 3});
    Path dir = store().fetch("tool", "3");
    assertTrue(Files.isRegularFile(dir.resolve("tool-3.jar")));
    ArtifactException e = assertThrows(ArtifactException.class, () -> ArtifactStore.requireStartScript(dir, "tool", "3"));
    assertEquals("artifact tool 3 has no bin/start (looked for " + dir.resolve("bin/start")
        + "); add an executable bin/start to the artifact or give the app a command", e.getMessage());
  }

  @Test
  void aMissingArtifactListsEveryPlaceTried() {
    ArtifactException e = assertThrows(ArtifactException.class, () -> store().fetch("greeter", "9.9.9"));
    String b = repo + "/greeter/9.9.9/greeter-9.9.9";
    assertEquals("artifact greeter 9.9.9 not found; tried " + b + ".tar.gz, " + b + ".zip, " + b + ".jar; publish it under "
        + repo + " or fix image/version in the app's yaml", e.getMessage());
  }

  @Test
  void aChecksumMismatchNamesExpectedAndGot() throws Exception {
    Path f = TestArtifacts.tarGz(artifact("greeter", "1.0.0", ".tar.gz"), new Item("a", 0644, "one"));
    String wrong = "ab".repeat(32);
    Files.writeString(f.resolveSibling(f.getFileName() + ".sha256"), wrong + "\n");
    ArtifactException e = assertThrows(ArtifactException.class, () -> store().fetch("greeter", "1.0.0"));
    assertEquals("artifact greeter 1.0.0: checksum mismatch for " + f + ": expected " + wrong + " (from " + f
        + ".sha256), got " + ArtifactStore.sha256(f) + "; the file is damaged or the .sha256 is stale: publish both again",
        e.getMessage());
    assertFalse(Files.exists(cache.resolve("greeter/1.0.0")));
  }

  @Test
  void anUnreadableArchiveSaysSo() throws Exception {
    Path f = artifact("greeter", "1.0.0", ".tar.gz");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "this is not gzip");
    ArtifactException e = assertThrows(ArtifactException.class, () -> store().fetch("greeter", "1.0.0"));
    assertTrue(e.getMessage().startsWith("artifact greeter 1.0.0: cannot unpack " + f + " ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("); check that it is a valid tar.gz file and republish it"), e.getMessage());
  }

  @Test
  void rejectsEntriesThatClimbOutOfTheArtifact() throws Exception {
    Path f = TestArtifacts.tarGz(artifact("evil", "1", ".tar.gz"), new Item("bin/start", 0755, "x"),
        new Item("../../escaped", 0644, "gotcha"));
    ArtifactException e = assertThrows(ArtifactException.class, () -> store().fetch("evil", "1"));
    assertEquals("artifact evil 1: " + f + ": entry ../../escaped points outside the artifact directory; "
        + "rebuild the archive with paths relative to its root", e.getMessage());
    // the cache's parent may be the shared /tmp, where other builds delete their dirs while we look:
    // a vanished entry is skipped rather than failing the walk
    java.util.List<Path> escaped = new java.util.ArrayList<>();
    Files.walkFileTree(cache.getParent(), java.util.Set.of(), 3, new java.nio.file.SimpleFileVisitor<>() {
      @Override public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a) {
        if (p.getFileName().toString().equals("escaped")) escaped.add(p);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override public java.nio.file.FileVisitResult visitFileFailed(Path p, java.io.IOException e) {
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
    assertEquals(java.util.List.of(), escaped);
  }

  @Test
  void rejectsNamesThatAreNotPlain() {
    ArtifactException e = assertThrows(ArtifactException.class, () -> store().fetch("../etc", "1"));
    assertEquals("artifact image '../etc' is not a plain name (no /, \\ or leading .); fix it in the app's yaml", e.getMessage());
  }

  @Test
  void aStartScriptWithoutExecBitIsReported() throws Exception {
    TestArtifacts.tarGz(artifact("greeter", "1.0.0", ".tar.gz"), new Item("bin/start", 0644, "#!/bin/sh\n"));
    Path dir = store().fetch("greeter", "1.0.0");
    ArtifactException e = assertThrows(ArtifactException.class, () -> ArtifactStore.requireStartScript(dir, "greeter", "1.0.0"));
    assertEquals("artifact greeter 1.0.0: " + dir.resolve("bin/start")
        + " is not executable; set its exec bit (chmod +x) before packing the artifact", e.getMessage());
  }
}
