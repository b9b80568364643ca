using Conduit.Policies;
using Xunit;

namespace Conduit.Policies.Tests;

public sealed class PolicyLoaderTests : IAsyncDisposable
{
    private readonly TestProject _project = new();

    public ValueTask DisposeAsync() => _project.DisposeAsync();

    [Fact]
    public void The_seeds_minimal_example_loads_as_written()
    {
        _project.WritePolicy("fix_bug.default.v1", """
            policy_id: fix_bug.default.v1
            task_id: fix_bug
            runner:
              provider: claude
              model: sonnet-4
            checks:
              - name: unit_tests
                command: npm test
                on_fail: retry
              - name: lint
                command: npm run lint
                on_fail: retry
            """);
        foreach (var hook in new[] { "init.sh", "before_attempt.sh", "after_attempt.sh", "on_success.sh", "on_failure.sh" })
        {
            _project.WriteScript("fix_bug.default.v1", hook, "true");
        }

        var policy = PolicyLoader.Load(_project.ProjectPath, "fix_bug.default.v1");

        Assert.Equal("fix_bug", policy.TaskId);
        Assert.Equal("claude", policy.Runner!.Provider);
        Assert.Equal("sonnet-4", policy.Runner.Model);
        Assert.Equal(["unit_tests", "lint"], policy.Checks.Select(c => c.Name));
        Assert.All(policy.Checks, c => Assert.Equal(CheckFailureAction.Retry, c.OnFail));
        Assert.Equal(1, policy.MaxAttempts);
        foreach (var stage in Enum.GetValues<PolicyHookStage>())
        {
            var hook = Assert.Single(policy.HooksFor(stage));
            Assert.EndsWith(PolicyLoader.StageName(stage) + ".sh", hook.ScriptPath);
        }
    }

    [Fact]
    public void A_policy_in_the_original_form_loads_with_hooks_retry_and_escalation()
    {
        _project.WritePolicy("fix_bug.v1", """
            policy_id: fix_bug.v1
            task_id: fix_bug
            runner: {provider: codex, model: gpt-5}
            hooks: {init: ["echo init"], before_attempt: [], after_attempt: [], on_success: [], on_failure: ["./scripts/complete.sh failure"]}
            checks: [{name: tests, command: npm test, timeout_seconds: 300, on_fail: retry}, {name: style, command: "true", on_fail: ignore}]
            retry: {max_attempts: 3, timeout_seconds: 900, escalation: [{runner: {provider: claude, model: opus}}]}
            """);

        var policy = PolicyLoader.Load(_project.ProjectPath, "fix_bug.v1");

        Assert.Equal(3, policy.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(900), policy.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(300), policy.Checks[0].Timeout);
        Assert.Equal(CheckFailureAction.Ignore, policy.Checks[1].OnFail);
        Assert.Equal("echo init", Assert.Single(policy.HooksFor(PolicyHookStage.Init)).Text);
        Assert.Equal("./scripts/complete.sh failure", Assert.Single(policy.HooksFor(PolicyHookStage.OnFailure)).Text);
        var escalation = Assert.Single(policy.EscalationRunners);
        Assert.Equal("claude", escalation.Provider);
        Assert.Equal("opus", escalation.Model);
    }

    [Fact]
    public void The_seed_form_reads_durations_backoff_escalation_and_workspace()
    {
        _project.WritePolicy("p", """
            policy_id: p
            task_id: t
            prompt: "Fix {{input.issue.title}} (attempt {{attempt}}/{{max_attempts}})"
            max_attempts: 4
            attempt_timeout: 5m
            timeout: 1h
            backoff: {initial: 2s, max: 30s, factor: 3, jitter: false}
            escalation: {after_failed_attempts: 2, model: opus}
            workspace: {mode: worktree, keep_on_failure: true}
            checks:
              - {name: unit, command: "make test", timeout: 90, on_fail: escalate}
            """);

        var policy = PolicyLoader.Load(_project.ProjectPath, "p");

        Assert.Equal(TimeSpan.FromMinutes(5), policy.AttemptTimeout);
        Assert.Equal(TimeSpan.FromHours(1), policy.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.Backoff.Initial);
        Assert.Equal(3, policy.Backoff.Factor);
        Assert.False(policy.Backoff.Jitter);
        Assert.Equal(2, policy.Escalation!.AfterFailedAttempts);
        Assert.Equal("opus", policy.Escalation.Model);
        Assert.Equal(WorkspaceMode.Worktree, policy.Workspace.Mode);
        Assert.True(policy.Workspace.KeepOnFailure);
        Assert.Equal(TimeSpan.FromSeconds(90), policy.Checks[0].Timeout);
        Assert.Equal(CheckFailureAction.Escalate, policy.Checks[0].OnFail);
    }

    [Fact]
    public void A_bad_enum_value_names_the_file_line_and_field()
    {
        var file = _project.WritePolicy("p", """
            policy_id: p
            task_id: t
            checks:
              - name: unit
                command: make test
              - name: lint
                command: make lint
                on_fail: explode
            """);

        var error = Assert.Throws<PolicyInvalidException>(() => PolicyLoader.Load(_project.ProjectPath, "p"));

        Assert.Equal(file, error.FilePath);
        Assert.True(error.Line == 8, error.Message);
        Assert.Equal("checks[1].on_fail", error.Field);
        Assert.Contains($"{file}:8", error.Message);
        Assert.Contains("retry, fail, escalate, ignore", error.Message);
    }

    [Fact]
    public void An_unknown_field_is_rejected_with_its_line()
    {
        _project.WritePolicy("p", """
            policy_id: p
            task_id: t
            max_attempts: 2
            max_attempt: 3
            """);

        var error = Assert.Throws<PolicyInvalidException>(() => PolicyLoader.Load(_project.ProjectPath, "p"));

        Assert.Equal(4, error.Line);
        Assert.Contains("unknown field \"max_attempt\"", error.Message);
    }

    [Fact]
    public void A_missing_required_field_is_named()
    {
        _project.WritePolicy("p", "policy_id: p\nrunner: {provider: claude}\n");

        var error = Assert.Throws<PolicyInvalidException>(() => PolicyLoader.Load(_project.ProjectPath, "p"));

        Assert.Contains("task_id", error.Message);
    }

    [Fact]
    public void A_policy_id_that_differs_from_its_folder_is_rejected()
    {
        _project.WritePolicy("p", "policy_id: q\ntask_id: t\n");

        var error = Assert.Throws<PolicyInvalidException>(() => PolicyLoader.Load(_project.ProjectPath, "p"));

        Assert.Equal("policy_id", error.Field);
        Assert.Equal(1, error.Line);
        Assert.Contains("mismatch", error.Message);
    }

    [Fact]
    public void An_unknown_prompt_placeholder_is_a_validation_error()
    {
        _project.WritePolicy("p", "policy_id: p\ntask_id: t\nprompt: \"Do {{inptu.issue}}\"\n");

        var error = Assert.Throws<PolicyInvalidException>(() => PolicyLoader.Load(_project.ProjectPath, "p"));

        Assert.Equal("prompt", error.Field);
        Assert.Equal(3, error.Line);
        Assert.Contains("{{inptu.issue}}", error.Message);
    }

    [Fact]
    public void Invalid_yaml_reports_its_position()
    {
        _project.WritePolicy("p", "policy_id: p\ntask_id: [unclosed\n");

        var error = Assert.Throws<PolicyInvalidException>(() => PolicyLoader.Load(_project.ProjectPath, "p"));

        Assert.NotNull(error.Line);
        Assert.Contains("invalid YAML", error.Message);
    }

    [Fact]
    public void A_missing_policy_is_not_found()
    {
        var error = Assert.Throws<PolicyNotFoundException>(() => PolicyLoader.Load(_project.ProjectPath, "nope", "demo"));

        Assert.Equal("Policy \"nope\" not found for project \"demo\"", error.Message);
    }

    [Fact]
    public void Prompt_md_beside_the_policy_is_the_template()
    {
        _project.WritePolicy("p", "policy_id: p\ntask_id: t\n");
        File.WriteAllText(Path.Combine(_project.PolicyDirectory("p"), "prompt.md"), "Issue: {{input.issue}}\n");

        var policy = PolicyLoader.Load(_project.ProjectPath, "p");

        Assert.Equal("Issue: {{input.issue}}\n", policy.PromptTemplate);
    }

    [Fact]
    public void The_shipped_schema_is_the_docs_copy()
    {
        var docs = Path.Combine(AppContext.BaseDirectory, "../../../../../docs/policy.schema.json");
        Assert.Equal(File.ReadAllText(docs), PolicyLoader.SchemaJson);
    }
}

public sealed class PolicyScaffoldTests : IAsyncDisposable
{
    private readonly TestProject _project = new();

    public ValueTask DisposeAsync() => _project.DisposeAsync();

    [Fact]
    public void The_scaffolded_example_loads_and_refuses_to_be_overwritten_without_force()
    {
        var files = PolicyScaffold.Write(_project.ProjectPath, "fix_bug.v1");

        var policy = PolicyLoader.Load(_project.ProjectPath, "fix_bug.v1");
        Assert.Equal(7, files.Count);
        Assert.Equal("fix_bug", policy.TaskId);
        Assert.Equal(3, policy.MaxAttempts);
        Assert.NotNull(policy.PromptTemplate);
        Assert.All(Enum.GetValues<PolicyHookStage>(), stage => Assert.Single(policy.HooksFor(stage)));
        Assert.Throws<ConduitException>(() => PolicyScaffold.Write(_project.ProjectPath, "fix_bug.v1"));
        Assert.Equal(7, PolicyScaffold.Write(_project.ProjectPath, "fix_bug.v1", force: true).Count);
    }
}
