using Conduit.Policies;
using Xunit;

namespace Conduit.Policies.Tests;

/// <summary>Reading a directory's git HEAD: a repository, a worktree whose <c>.git</c> is a file, a detached HEAD, no git.</summary>
public sealed class GitHeadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conduit-githead-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_repository_head_gives_its_ref_and_branch()
    {
        Directory.CreateDirectory(Path.Combine(_directory, ".git"));
        File.WriteAllText(Path.Combine(_directory, ".git", "HEAD"), "ref: refs/heads/main\n");

        Assert.Equal("refs/heads/main", GitHead.ReadRef(_directory));
        Assert.Equal("main", GitHead.Branch(_directory));
    }

    [Fact]
    public void A_worktree_git_file_is_followed_to_its_own_head()
    {
        var gitDir = Path.Combine(_directory, "repo", ".git", "worktrees", "wt");
        Directory.CreateDirectory(gitDir);
        File.WriteAllText(Path.Combine(gitDir, "HEAD"), "ref: refs/heads/feature/x\n");
        var worktree = Path.Combine(_directory, "wt");
        Directory.CreateDirectory(worktree);
        File.WriteAllText(Path.Combine(worktree, ".git"), $"gitdir: {gitDir}\n");

        Assert.Equal("feature/x", GitHead.Branch(worktree));
    }

    [Fact]
    public void A_detached_head_has_a_ref_but_no_branch_and_no_git_has_neither()
    {
        Directory.CreateDirectory(Path.Combine(_directory, ".git"));
        File.WriteAllText(Path.Combine(_directory, ".git", "HEAD"), "0123456789abcdef0123456789abcdef01234567\n");
        var plain = Directory.CreateDirectory(Path.Combine(_directory, "plain")).FullName;

        Assert.Equal("0123456789abcdef0123456789abcdef01234567", GitHead.ReadRef(_directory));
        Assert.Null(GitHead.Branch(_directory));
        Assert.Null(GitHead.ReadRef(plain));
        Assert.Null(GitHead.Branch(plain));
    }
}
