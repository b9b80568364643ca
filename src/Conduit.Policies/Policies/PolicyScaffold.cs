namespace Conduit.Policies;

/// <summary>Writes a commented example policy (policy.yaml, prompt.md and the five hook scripts) for <c>conduit policies init</c>.</summary>
public static class PolicyScaffold
{
    /// <summary>Creates <c>.conduit/policies/&lt;policyId&gt;/</c> in the project and returns the files written.</summary>
    /// <exception cref="ConduitException">The policy exists and <paramref name="force"/> is false, or the id is not a folder name.</exception>
    public static IReadOnlyList<string> Write(string projectPath, string policyId, bool force = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(policyId);
        if (policyId.IndexOfAny(['/', '\\', ' ']) >= 0 || policyId is "." or "..")
        {
            throw new ConduitException($"\"{policyId}\" is not a valid policy id: use letters, digits, '.', '_' and '-'.");
        }

        var directory = Path.Combine(PolicyLoader.PoliciesDirectory(projectPath), policyId);
        var policyFile = Path.Combine(directory, PolicyLoader.FileName);
        if (File.Exists(policyFile) && !force)
        {
            throw new ConduitException($"{policyFile} already exists; pass --force to overwrite it.");
        }

        Directory.CreateDirectory(directory);
        var written = new List<string>();
        Write(policyFile, PolicyYaml(policyId), executable: false);
        Write(Path.Combine(directory, "prompt.md"), Prompt, executable: false);
        foreach (var (stage, body) in Hooks)
        {
            Write(Path.Combine(directory, stage + ".sh"), body, executable: true);
        }

        return written;

        void Write(string path, string text, bool executable)
        {
            File.WriteAllText(path, text);
            if (executable && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            written.Add(path);
        }
    }

    private static string PolicyYaml(string policyId) => $$$"""
        # Conduit policy: what a run of this task does. Reference: docs/runs.md; schema: docs/policy.schema.json.
        policy_id: {{{policyId}}}        # must equal this folder's name
        task_id: {{{policyId.Split('.')[0]}}}

        # The agent. provider: claude | codex | gemini | cursor; model is optional; args are passed to its CLI.
        runner:
          provider: claude
          # model: sonnet
          # args: ["--verbose"]

        # The prompt comes from prompt.md beside this file (or write `prompt: "..."` here).
        # Placeholders: {{input.<key>}}, {{attempt}}, {{max_attempts}}, {{previous_failure.check}},
        # {{previous_failure.output_tail}}, {{task_id}}, {{policy_id}}, {{project_id}}.

        # Checks run in the workspace after each attempt; the run succeeds only when every check passes.
        # on_fail: retry (try again, telling the agent what failed) | fail | escalate | ignore
        checks:
          - name: tests
            command: "true"          # e.g. npm test, dotnet test, ./scripts/check.sh --fast
            on_fail: retry
            timeout: 10m

        max_attempts: 3
        attempt_timeout: 30m          # one agent run
        timeout: 2h                   # the whole run
        backoff: {initial: 0s, max: 5m, factor: 2, jitter: true}

        # After N failed attempts: switch runner, switch model, or stop and ask a human.
        # escalation: {after_failed_attempts: 2, runner: {provider: codex, model: gpt-5}}
        # escalation: {after_failed_attempts: 2, stop: needs_attention}

        # in_place (the project directory) or worktree (a detached git worktree per run, removed afterwards).
        workspace: {mode: in_place, keep_on_failure: false}

        # Hook scripts beside this file run automatically: init.sh, before_attempt.sh, after_attempt.sh,
        # on_success.sh, on_failure.sh. Their environment has CONDUIT_RUN_ID, CONDUIT_ATTEMPT_INDEX,
        # CONDUIT_WORKSPACE_PATH, CONDUIT_INPUT_FILE, CONDUIT_RESULT_FILE and the other CONDUIT_* variables.
        """;

    private const string Prompt = """
        Task {{task_id}} (attempt {{attempt}} of {{max_attempts}}).

        {{input.issue}}

        Make the change in the current directory. The policy's checks decide whether the work is done.
        """;

    private static readonly (string Stage, string Body)[] Hooks =
    [
        ("init", "#!/usr/bin/env bash\n# Runs once before the first attempt. Write {\"workspace_path\": \"/abs/dir\"} to $CONDUIT_RESULT_FILE to choose the workspace.\nset -euo pipefail\n"),
        ("before_attempt", "#!/usr/bin/env bash\n# Runs before each attempt ($CONDUIT_ATTEMPT_INDEX).\nset -euo pipefail\n"),
        ("after_attempt", "#!/usr/bin/env bash\n# Runs after each attempt's checks, whatever their outcome.\nset -euo pipefail\n"),
        ("on_success", "#!/usr/bin/env bash\n# Runs when the run succeeded.\nset -euo pipefail\n"),
        ("on_failure", "#!/usr/bin/env bash\n# Runs when the run failed, timed out, was canceled or needs attention.\nset -euo pipefail\n"),
    ];
}
