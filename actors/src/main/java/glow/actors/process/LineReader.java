package glow.actors.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Splits one child output stream into lines and hands them to a consumer; one per stream of a
 * running process, run on a reader thread until end of stream.
 */
final class LineReader implements Runnable {
  /** Lines longer than this many bytes are cut and marked truncated; the rest of the line is skipped. */
  static final int MAX_LINE_BYTES = 16 * 1024;

  private final InputStream in;
  private final StdStream stream;
  private final Consumer<OutputLine> consumer;
  private final Clock clock;

  LineReader(InputStream in, StdStream stream, Consumer<OutputLine> consumer, Clock clock) {
    this.in = in;
    this.stream = stream;
    this.consumer = consumer;
    this.clock = clock;
  }

  @Override
  public void run() {
    byte[] line = new byte[MAX_LINE_BYTES];
    int len = 0;
    boolean skipping = false; // inside the rest of a line that was already cut
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            if (!skipping) emit(line, len, false);
            len = 0;
            skipping = false;
          } else if (!skipping) {
            if (len == MAX_LINE_BYTES) {
              emit(line, len, true);
              len = 0;
              skipping = true;
            } else {
              line[len++] = b;
            }
          }
        }
      }
      if (len > 0 && !skipping) emit(line, len, false);
    } catch (IOException e) {
      // the stream closes under us when the process is gone: nothing more to read
    }
  }

  private void emit(byte[] bytes, int len, boolean truncated) {
    int end = len;
    if (!truncated && end > 0 && bytes[end - 1] == '\r') end--;
    String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
    try {
      consumer.accept(new OutputLine(stream, clock.instant(), text, truncated));
    } catch (RuntimeException e) {
      // a failing consumer must not stop the reading, or the child would block on a full pipe
    }
  }
}
