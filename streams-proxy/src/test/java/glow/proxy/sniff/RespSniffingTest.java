package glow.proxy.sniff;

import static glow.proxy.sniff.SniffRuns.assertSameCountsAtEveryCut;
import static glow.proxy.sniff.SniffRuns.redis;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(WithKamon.class)
@Timeout(60)
class RespSniffingTest {
  @Test
  void countsPipelinedCommandsAndMatchesRepliesInOrderAtEveryCut() {
    Conversation c = new Conversation()
        .client("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"
            + "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
            + "*2\r\n$3\r\nget\r\n$7\r\nmissing\r\n"
            + "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n"
            + "*4\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$1\r\n0\r\n$2\r\n-1\r\n"
            + "*2\r\n$7\r\nHGETALL\r\n$1\r\nh\r\n"
            + "*1\r\n$12\r\nFROBNICATE!!\r\n"
            + "*2\r\n$3\r\nDEL\r\n$0\r\n\r\n")
        .server("+OK\r\n"
            + "$5\r\nhello\r\n"
            + "$-1\r\n"
            + "-ERR value is not an integer or out of range\r\n"
            + ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nhi!\r\n" // a RESP3 push between replies answers nothing
            + "*2\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n"
            + "%1\r\n$1\r\nf\r\n|1\r\n+ttl\r\n:3\r\n,1.5\r\n"
            + "!22\r\nSYNTAX unknown command\r\n"
            + ":1\r\n");
    Map<String, Long> each = Map.of("SET", 1L, "GET", 2L, "INCR", 1L, "LRANGE", 1L, "HGETALL", 1L, "other", 1L, "DEL", 1L);
    assertSameCountsAtEveryCut("resp-pipeline", c, redis(each, each, Map.of("INCR", 1L, "other", 1L), 0), true);
  }

  @Test
  void recognisesInlineCommands() {
    Conversation c = new Conversation()
        .client("PING\r\nset a b\r\n")
        .server("+PONG\r\n+OK\r\n");
    Map<String, Long> each = Map.of("PING", 1L, "SET", 1L);
    assertSameCountsAtEveryCut("resp-inline", c, redis(each, each, Map.of(), 0), true);
  }

  @Test
  void stopsMatchingRepliesAfterSubscribeButKeepsCountingCommands() {
    Conversation c = new Conversation()
        .client("*2\r\n$4\r\nPING\r\n$1\r\nx\r\n*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n")
        .server("$1\r\nx\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n")
        .client("*2\r\n$11\r\nUNSUBSCRIBE\r\n$2\r\nch\r\n")
        .server("*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n");
    assertSameCountsAtEveryCut("resp-pubsub", c,
        redis(Map.of("PING", 1L, "SUBSCRIBE", 1L, "UNSUBSCRIBE", 1L), Map.of("PING", 1L), Map.of(), 0), true);
  }

  @Test
  void aReplyToNothingGivesUpQuietly() {
    Conversation c = new Conversation()
        .client("*1\r\n$4\r\nPING\r\n")
        .server("+PONG\r\n+EXTRA\r\n");
    assertSameCountsAtEveryCut("resp-extra", c, redis(Map.of("PING", 1L), Map.of("PING", 1L), Map.of(), 1), true);
  }

  @Test
  void otherProtocolsArePlainTcpAndCountNothing() {
    Conversation ssh = new Conversation().client("SSH-2.0-OpenSSH_9.6\r\n").server("SSH-2.0-OpenSSH_9.6\r\n");
    assertSameCountsAtEveryCut("plain-ssh", ssh, redis(Map.of(), Map.of(), Map.of(), 0), true);
    assertSameCountsAtEveryCut("plain-ssh", ssh, SniffRuns.http(Map.of(), 0, 0), false);
    Conversation serverFirst = new Conversation().server("220 mail ESMTP\r\n").client("GET / HTTP/1.1\r\n\r\n").server("500 no\r\n");
    assertSameCountsAtEveryCut("plain-smtp", serverFirst, SniffRuns.http(Map.of(), 0, 0), false);
  }
}
