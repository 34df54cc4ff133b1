package glow.actors.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesCreatesParentsAndReportsAChange() throws Exception {
    Path f = dir.resolve("conf/app.properties");
    assertTrue(AtomicFiles.write(f, "a=1\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("a=1\n", Files.readString(f));
    assertTrue(AtomicFiles.write(f, "a=2\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("a=2\n", Files.readString(f));
  }

  @Test
  void aNewFileIsReadableByAllAndAReplacedOneKeepsItsMode() throws Exception {
    Path f = dir.resolve("app.properties");
    AtomicFiles.write(f, "a".getBytes(StandardCharsets.UTF_8));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    AtomicFiles.write(f, "b".getBytes(StandardCharsets.UTF_8));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @Test
  void leavesIdenticalContentUntouched() throws Exception {
    Path f = dir.resolve("app.properties");
    AtomicFiles.write(f, "same".getBytes(StandardCharsets.UTF_8));
    FileTime old = FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(f, old);
    assertFalse(AtomicFiles.write(f, "same".getBytes(StandardCharsets.UTF_8)));
    assertEquals(old, Files.getLastModifiedTime(f));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(f), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  @Timeout(30)
  void aConcurrentReaderNeverSeesAPartialFile() throws Exception {
    Path f = dir.resolve("big.conf");
    // two versions of 256 KiB each, every byte the same within a version: a mix is easy to spot
    byte[] a = new byte[256 * 1024];
    byte[] b = new byte[256 * 1024];
    Arrays.fill(a, (byte) 'a');
    Arrays.fill(b, (byte) 'b');
    AtomicFiles.write(f, a);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    List<String> bad = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        try {
          byte[] seen = Files.readAllBytes(f);
          reads.incrementAndGet();
          if (!(Arrays.equals(seen, a) || Arrays.equals(seen, b))) bad.add("read " + seen.length + " bytes, mixed or partial");
        } catch (NoSuchFileException e) {
          bad.add("the file was missing for a moment");
        } catch (Exception e) {
          bad.add(e.toString());
        }
      }
    });
    reader.start();
    long deadline = System.nanoTime() + 3_000_000_000L; // bounded: 3 s or 300 writes
    for (int i = 0; i < 300 && System.nanoTime() < deadline; i++) AtomicFiles.write(f, i % 2 == 0 ? b : a);
    stop.set(true);
    reader.join();
    assertTrue(reads.get() > 10, "the reader ran (" + reads.get() + " reads)");
    assertEquals(List.of(), bad);
    assertEquals(b.length, Files.readAllBytes(f).length);
  }
}
