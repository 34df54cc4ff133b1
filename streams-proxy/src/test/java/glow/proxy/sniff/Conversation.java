package glow.proxy.sniff;

import akka.util.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A recorded conversation on one connection: segments of bytes, each from the client or from the
 * upstream, in the order they crossed the proxy; replays it into a sniffer cut at chosen points.
 * One per test scenario.
 */
final class Conversation {
  record Segment(boolean fromClient, byte[] bytes) {}

  private final List<Segment> segments = new ArrayList<>();

  Conversation client(String text) {
    segments.add(new Segment(true, text.getBytes(StandardCharsets.ISO_8859_1)));
    return this;
  }

  Conversation server(String text) {
    segments.add(new Segment(false, text.getBytes(StandardCharsets.ISO_8859_1)));
    return this;
  }

  /** Total bytes both ways. */
  int length() {
    int n = 0;
    for (Segment s : segments) n += s.bytes.length;
    return n;
  }

  /** Replays with one extra cut at global byte position {@code cut} (0..length: no extra cut at the ends). */
  void replayCutAt(Sniffer sniffer, int cut) {
    replay(sniffer, pos -> pos == cut);
  }

  /** Replays one byte per chunk. */
  void replayByteByByte(Sniffer sniffer) {
    replay(sniffer, pos -> true);
  }

  /** Replays each segment as one rope ByteString made of {@code fragment}-byte pieces, as framing stages produce. */
  void replayAsRopes(Sniffer sniffer, int fragment) {
    for (Segment s : segments) {
      ByteString rope = ByteString.emptyByteString();
      for (int i = 0; i < s.bytes.length; i += fragment) {
        rope = rope.concat(ByteString.fromArray(s.bytes, i, Math.min(fragment, s.bytes.length - i)));
      }
      if (s.fromClient) sniffer.onRequestBytes(rope);
      else sniffer.onResponseBytes(rope);
    }
    sniffer.onClose();
  }

  /** Replays cut at every position where {@code cutHere} holds; each chunk is its own ByteString. */
  private void replay(Sniffer sniffer, java.util.function.IntPredicate cutHere) {
    replay(sniffer, cutHere, ByteString::fromArray);
  }

  /** How a chunk {@code [from, from+length)} of a segment's bytes is handed over. */
  @FunctionalInterface
  interface Shape {
    ByteString of(byte[] bytes, int from, int length);
  }

  /** A compact copy: what Akka's TCP reads deliver (one array of exactly the chunk). */
  static final Shape COMPACT = ByteString::fromArray;
  /** A view into the segment's array (a non-compact slice, as {@code ByteString.slice} makes). */
  static final Shape SLICE = ByteString::fromArrayUnsafe;

  /** A rope of separately allocated pieces of 1..{@code maxPiece} bytes, sizes drawn from {@code random}. */
  static Shape rope(java.util.Random random, int maxPiece) {
    return (bytes, from, length) -> {
      ByteString rope = ByteString.emptyByteString();
      for (int i = from; i < from + length; ) {
        int n = Math.min(from + length - i, 1 + random.nextInt(maxPiece));
        rope = rope.concat(ByteString.fromArray(bytes, i, n));
        i += n;
      }
      return rope;
    };
  }

  /** Byte positions (global, as for {@link #replayCutAt}) of every {@code b} in the conversation. */
  java.util.Set<Integer> positionsOf(byte b) {
    java.util.Set<Integer> at = new java.util.TreeSet<>();
    int pos = 0;
    for (Segment s : segments) {
      for (int i = 0; i < s.bytes.length; i++) {
        if (s.bytes[i] == b) at.add(pos + i);
      }
      pos += s.bytes.length;
    }
    return at;
  }

  /** Replays cut at every position where {@code cutHere} holds, each chunk made by {@code shape}. */
  void replay(Sniffer sniffer, java.util.function.IntPredicate cutHere, Shape shape) {
    int pos = 0;
    for (Segment s : segments) {
      Consumer<ByteString> to = s.fromClient ? sniffer::onRequestBytes : sniffer::onResponseBytes;
      int start = 0;
      for (int i = 1; i < s.bytes.length; i++) {
        if (cutHere.test(pos + i)) {
          to.accept(shape.of(s.bytes, start, i - start));
          start = i;
        }
      }
      to.accept(shape.of(s.bytes, start, s.bytes.length - start));
      pos += s.bytes.length;
    }
    sniffer.onClose();
  }
}
