package glow.actors.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import glow.conf.repo.RepoSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the repo setting picks a source: URLs are cached under the data dir, local git repos follow commits. */
class RepoSourcesTest {
  @TempDir Path tmp;

  @Test
  void aUrlIsFetchedIntoTheDataDirsRepoCache() {
    Path data = tmp.resolve("data");
    assertEquals(RepoSource.git("https://git.example.com/ops/config.git", "main", data.resolve("repo-cache")),
        RepoSources.of("https://git.example.com/ops/config.git", "main", data));
    assertEquals(RepoSource.git("git@git.example.com:ops/config.git", "prod", data.resolve("repo-cache")),
        RepoSources.of("git@git.example.com:ops/config.git", "prod", data));
  }

  @Test
  void aLocalGitRepositoryIsReadAtItsBranchAndAPlainDirectoryAsItIsOnDisk() throws Exception {
    Path data = tmp.resolve("data");
    try (GitRepo git = GitRepo.init(tmp.resolve("git"))) {
      assertEquals(RepoSource.git(git.dir().toAbsolutePath().toString(), "main", data.resolve("repo-cache")),
          RepoSources.of(git.dir().toString(), "main", data));
    }
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    assertEquals(RepoSource.directory(plain.toAbsolutePath()), RepoSources.of(plain.toString(), "main", data));
  }
}
