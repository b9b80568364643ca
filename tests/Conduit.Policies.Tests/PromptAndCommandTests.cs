using System.Text.Json.Nodes;
using Conduit.Policies;
using Xunit;

namespace Conduit.Policies.Tests;

public sealed class PromptAndCommandTests
{
    private static PromptContext Context(PreviousFailure? failure = null) => new()
    {
        TaskId = "fix_bug",
        PolicyId = "fix_bug.v1",
        ProjectId = "demo",
        RunId = "run_1",
        Attempt = 2,
        MaxAttempts = 3,
        Input = JsonNode.Parse("""{"issue":{"title":"rounding"},"tags":["a","b"]}""")!.AsObject(),
        PreviousFailure = failure,
    };

    [Fact]
    public void Placeholders_render_nested_input_and_attempt_numbers()
    {
        var text = PromptTemplate.Render("Fix {{input.issue.title}} [{{input.tags.1}}] {{attempt}}/{{max_attempts}} {{task_id}} {{policy_id}} {{project_id}}", Context());

        Assert.Equal("Fix rounding [b] 2/3 fix_bug fix_bug.v1 demo", text);
    }

    [Fact]
    public void A_template_without_failure_placeholders_gets_the_retry_feedback_appended()
    {
        var failure = new PreviousFailure { Summary = "Check \"tests\" failed with exit code 1", Check = "tests", Command = "npm test", ExitCode = 1, Stdout = "1 failing" };

        var text = PromptTemplate.Render("Fix {{input.issue.title}}", Context(failure));

        Assert.StartsWith("Fix rounding\n\nRetry feedback:", text);
        Assert.Contains("Check: tests", text);
        Assert.Contains("Command: npm test", text);
        Assert.Contains("Exit code: 1", text);
        Assert.Contains("1 failing", text);
    }

    [Fact]
    public void A_template_with_failure_placeholders_places_them_itself()
    {
        var failure = new PreviousFailure { Summary = "s", Check = "tests", Command = "npm test", ExitCode = 1, Stdout = "boom" };

        var text = PromptTemplate.Render("{{previous_failure.check}}: {{previous_failure.output_tail}}", Context(failure));

        Assert.Equal("tests: boom", text);
    }

    [Fact]
    public void The_default_prompt_has_the_originals_lines()
    {
        var text = PromptTemplate.Render(null, Context());

        Assert.Contains("Task ID: fix_bug\n", text);
        Assert.Contains("Policy ID: fix_bug.v1\n", text);
        Assert.Contains("Project ID: demo\n", text);
        Assert.Contains("Run input:\n```json\n", text);
        Assert.DoesNotContain("Retry feedback:", text);
    }

    [Fact]
    public void A_relative_command_keeps_its_arguments()
    {
        var command = CommandExecutor.ResolveRelativeCommand("./scripts/complete.sh failure --loud", "/p/policy dir");

        Assert.Equal("'/p/policy dir/scripts/complete.sh' failure --loud", command);
    }

    [Fact]
    public void Other_commands_pass_through_unchanged()
    {
        Assert.Equal("npm test -- --ci", CommandExecutor.ResolveRelativeCommand("npm test -- --ci", "/p"));
    }
}
