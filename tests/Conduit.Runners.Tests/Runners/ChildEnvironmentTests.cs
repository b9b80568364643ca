using System.Collections;

namespace Conduit.Runners.Tests.Runners;

public sealed class ChildEnvironmentTests
{
    private static Hashtable Inherited() => new()
    {
        ["PATH"] = "/usr/bin",
        ["HOME"] = "/home/me",
        ["GITHUB_TOKEN"] = "ghp",
        ["DB_PASSWORD"] = "pw",
        ["APP_SECRET"] = "s",
        ["AWS_ACCESS_KEY_ID"] = "a",
        ["CONDUIT_API_TOKEN"] = "c",
        ["ANTHROPIC_AUTH_TOKEN"] = "ant",
        ["ANTHROPIC_API_KEY"] = "key",
        ["OPENAI_API_KEY"] = "oai",
        ["NPM_TOKEN"] = "npm",
    };

    [Fact]
    public void Secrets_are_not_inherited_but_the_providers_own_variables_are()
    {
        var environment = ChildEnvironment.Build("claude", Inherited(), new AgentRunnerOptions(), null);

        Assert.Equal(["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "HOME", "OPENAI_API_KEY", "PATH"], environment.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Another_providers_token_is_not_passed()
    {
        var environment = ChildEnvironment.Build("codex", Inherited(), new AgentRunnerOptions(), null);

        Assert.DoesNotContain("ANTHROPIC_AUTH_TOKEN", environment.Keys);
        Assert.Equal("oai", environment["OPENAI_API_KEY"]);
    }

    [Fact]
    public void Pass_environment_lets_a_secret_through_and_options_then_request_override()
    {
        var options = new AgentRunnerOptions();
        options.PassEnvironment.Add("NPM_*");
        options.Environment["HOME"] = "/tmp/agent-home";
        options.Environment["EXTRA"] = "from-options";
        var request = new Dictionary<string, string?> { ["EXTRA"] = "from-request", ["PATH"] = null };

        var environment = ChildEnvironment.Build("gemini", Inherited(), options, request);

        Assert.Equal("npm", environment["NPM_TOKEN"]);
        Assert.Equal("/tmp/agent-home", environment["HOME"]);
        Assert.Equal("from-request", environment["EXTRA"]);
        Assert.DoesNotContain("PATH", environment.Keys);
        Assert.DoesNotContain("GITHUB_TOKEN", environment.Keys);
    }
}
