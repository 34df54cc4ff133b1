package glow.conf.repo;

import static glow.conf.TestRepo.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.conf.TestRepo;
import glow.conf.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class GitLoadingTest {
  @TempDir
  Path tmp;
  Path work;
  Git git;
  TestRepo files;

  @BeforeEach
  void repoWithTheDemo() throws Exception {
    work = tmp.resolve("work");
    git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
    files = new TestRepo(work);
    try (var demo = Files.walk(DemoRepoTest.DEMO)) {
      for (Path p : demo.filter(Files::isRegularFile).toList()) {
        files.put(DemoRepoTest.DEMO.relativize(p).toString().replace('\\', '/'), Files.readString(p));
      }
    }
    commit("demo");
  }

  @AfterEach
  void close() {
    git.close();
  }

  RevCommit commit(String message) throws Exception {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call(); // stage deletions too
    return git.commit().setMessage(message).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
  }

  @Test
  void readsABranchOfALocalRepositoryAtItsCommit() throws Exception {
    RevCommit head = git.log().call().iterator().next();
    // the work tree is dirty: only the commit counts
    files.put("apps/web.yaml", "not: [valid");
    Snapshot s = RepoLoader.load(RepoSource.git(work.toString(), "main", tmp.resolve("cache")), null);
    assertEquals(List.of(), lines(s));
    assertEquals(head.getName(), s.version());
    assertEquals(3, s.instances().size());
  }

  @Test
  void readsAnotherBranch() throws Exception {
    git.checkout().setCreateBranch(true).setName("staging").call();
    files.put("deployments/web-2.yaml", "app: web\nnode: dev\ninstance: 2\nport-offset: 10\n");
    RevCommit staging = commit("second web");
    Snapshot main = RepoLoader.load(RepoSource.git(work.toString(), "main", tmp.resolve("cache")), null);
    Snapshot st = RepoLoader.load(RepoSource.git(work.toString(), "staging", tmp.resolve("cache")), null);
    assertEquals(3, main.instances().size());
    assertEquals(4, st.instances().size());
    assertEquals(staging.getName(), st.version());
  }

  @Test
  void badCommitKeepsTheLastGoodVersionOfTheBadFile() throws Exception {
    RepoSource source = RepoSource.git(work.toString(), "main", tmp.resolve("cache"));
    Snapshot first = RepoLoader.load(source, null);
    files.put("apps/greeter.yaml", "image: greeter\nversion: 2.0.0\nprovides: {http: 9001}\nhealth: {http: healthz}\n");
    RevCommit bad = commit("bad health path");
    Snapshot second = RepoLoader.load(source, first);
    assertEquals(bad.getName(), second.version());
    assertEquals(List.of("apps/greeter.yaml:4:16: health.http: \"healthz\" must be a path starting with /, e.g. /healthz"), lines(second));
    assertEquals("greeter:1.0.0#1", second.instance("greeter#1").orElseThrow().id());
  }

  @Test
  @Timeout(30)
  void fetchesAUrlIntoABareCacheAndSeesNewCommits() throws Exception {
    String url = work.toUri().toString(); // file:///... goes through the fetch path
    Path cache = tmp.resolve("cache");
    RepoSource source = RepoSource.git(url, "main", cache);
    Snapshot first = RepoLoader.load(source, null);
    assertEquals(List.of(), lines(first));
    assertTrue(Files.exists(cache.resolve("HEAD")), "bare clone in the cache dir");
    files.delete("deployments/web-1.yaml");
    RevCommit next = commit("stop web");
    Snapshot second = RepoLoader.load(source, first);
    assertEquals(next.getName(), second.version());
    assertTrue(second.instance("web#1").isEmpty());
  }

  @Test
  @Timeout(30)
  void unreachableUrlKeepsTheWholePreviousSnapshot() {
    Snapshot first = RepoLoader.load(RepoSource.git(work.toString(), "main", tmp.resolve("c1")), null);
    RepoSource gone = RepoSource.git("http://127.0.0.1:1/config.git", "main", tmp.resolve("c2"));
    Snapshot second = RepoLoader.load(gone, first);
    assertEquals(first.version(), second.version());
    assertSame(first.instances(), second.instances());
    assertEquals(1, second.problems().size());
    String p = second.problems().get(0).toString();
    assertTrue(p.startsWith("http://127.0.0.1:1/config.git#main: cannot fetch branch main from http://127.0.0.1:1/config.git: "), p);
    assertTrue(p.endsWith(", keeping version " + first.version()), p);
    // a second failure replaces the first message instead of piling up
    assertEquals(1, RepoLoader.load(gone, second).problems().size());
  }

  @Test
  void missingBranchKeepsThePreviousSnapshot() {
    Snapshot first = RepoLoader.load(RepoSource.git(work.toString(), "main", tmp.resolve("c")), null);
    Snapshot second = RepoLoader.load(RepoSource.git(work.toString(), "nope", tmp.resolve("c")), first);
    assertEquals(List.of(work + "#nope: branch nope not found in " + work + ", keeping version " + first.version()), lines(second));
    assertEquals(first.instances(), second.instances());
  }

  @Test
  void firstLoadOfANonRepositoryIsEmptyWithTheError() {
    Snapshot s = RepoLoader.load(RepoSource.git(tmp.resolve("nothing").toString(), "main", tmp.resolve("c")), null);
    assertEquals(List.of(tmp.resolve("nothing") + "#main: not a git repository: " + tmp.resolve("nothing") + ", nothing loaded"), lines(s));
    assertTrue(s.instances().isEmpty());
  }
}
