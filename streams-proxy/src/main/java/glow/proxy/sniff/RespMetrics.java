package glow.proxy.sniff;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Timer;
import kamon.tag.TagSet;

/**
 * The Kamon instruments of Redis (RESP) traffic for one (listener, upstream, endpoint); one per
 * distinct triple, shared by its connections, instruments resolved once per command slot.
 *
 * <p>Prometheus names: {@code glow_proxy_redis_commands_total{command}},
 * {@code glow_proxy_redis_command_time_seconds{command}} (command sent to its reply, in order),
 * {@code glow_proxy_redis_errors_total{command}} (error replies), {@code glow_proxy_redis_unparsed_total}.
 * Command names outside {@link #COMMANDS} are counted as {@code other} to bound tag cardinality.
 */
final class RespMetrics {
  static final String COMMANDS_COUNTER = "glow.proxy.redis.commands";
  static final String COMMAND_TIME = "glow.proxy.redis.command.time";
  static final String ERRORS = "glow.proxy.redis.errors";
  static final String UNPARSED = "glow.proxy.redis.unparsed";

  /** The commands counted by name; the last slot is "other". */
  static final String[] COMMANDS = {
    "GET", "SET", "DEL", "UNLINK", "EXISTS", "EXPIRE", "PEXPIRE", "EXPIREAT", "TTL", "PTTL", "PERSIST", "TYPE",
    "INCR", "INCRBY", "DECR", "DECRBY", "MGET", "MSET", "SETEX", "SETNX", "GETSET", "GETDEL", "APPEND", "STRLEN",
    "HGET", "HSET", "HMGET", "HMSET", "HDEL", "HGETALL", "HINCRBY", "HEXISTS", "HLEN", "HKEYS", "HVALS",
    "LPUSH", "RPUSH", "LPOP", "RPOP", "LRANGE", "LLEN", "LREM", "LINDEX", "BLPOP", "BRPOP", "LMOVE", "BLMOVE",
    "SADD", "SREM", "SMEMBERS", "SISMEMBER", "SCARD", "SPOP",
    "ZADD", "ZREM", "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGE", "ZSCORE", "ZINCRBY", "ZCARD", "ZRANK", "ZCOUNT",
    "XADD", "XREAD", "XREADGROUP", "XRANGE", "XLEN", "XACK",
    "PING", "ECHO", "AUTH", "HELLO", "SELECT", "INFO", "CLIENT", "COMMAND", "CONFIG", "QUIT", "DBSIZE", "FLUSHDB",
    "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "EVAL", "EVALSHA", "SCRIPT", "SCAN", "KEYS",
    "PUBLISH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "MONITOR",
    "other"
  };
  static final int OTHER = COMMANDS.length - 1;
  private static final Map<String, Integer> INDEX = new HashMap<>();

  static {
    for (int i = 0; i < OTHER; i++) INDEX.put(COMMANDS[i], i);
  }

  private static final ConcurrentHashMap<ConnectionTags, RespMetrics> CACHE = new ConcurrentHashMap<>();

  static RespMetrics of(ConnectionTags tags) {
    return MetricTags.cached(CACHE, tags, RespMetrics::new);
  }

  /** The slot of an upper-cased command name; OTHER if not on the list. */
  static int indexOf(String upperName) {
    Integer i = INDEX.get(upperName);
    return i == null ? OTHER : i;
  }

  /** True for the commands after which replies are no longer one per command (pub/sub, MONITOR). */
  static boolean startsPushMode(int command) {
    String c = COMMANDS[command];
    return c.equals("SUBSCRIBE") || c.equals("PSUBSCRIBE") || c.equals("SSUBSCRIBE") || c.equals("MONITOR");
  }

  private final TagSet base;
  private final AtomicReferenceArray<Counter> commands = new AtomicReferenceArray<>(COMMANDS.length);
  private final AtomicReferenceArray<Counter> errors = new AtomicReferenceArray<>(COMMANDS.length);
  private final AtomicReferenceArray<Timer> times = new AtomicReferenceArray<>(COMMANDS.length);
  private final Counter unparsed;

  private RespMetrics(ConnectionTags tags) {
    base = MetricTags.of(tags);
    unparsed = Kamon.counter(UNPARSED, "connections whose RESP could not be followed").withTags(base);
  }

  void command(int command) {
    Counter c = commands.get(command);
    if (c == null) {
      c = Kamon.counter(COMMANDS_COUNTER, "Redis commands through the proxy").withTags(tags(command));
      commands.set(command, c);
    }
    c.increment();
  }

  void reply(int command, long nanos, boolean error) {
    Timer t = times.get(command);
    if (t == null) {
      t = Kamon.timer(COMMAND_TIME, "Redis command sent to its reply").withTags(tags(command));
      times.set(command, t);
    }
    t.record(nanos);
    if (error) {
      Counter c = errors.get(command);
      if (c == null) {
        c = Kamon.counter(ERRORS, "Redis error replies").withTags(tags(command));
        errors.set(command, c);
      }
      c.increment();
    }
  }

  void unparsed() {
    unparsed.increment();
  }

  private TagSet tags(int command) {
    return base.withTag("command", COMMANDS[command]);
  }
}
