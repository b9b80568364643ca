using System.CommandLine;
using Conduit.Cli.Chat;
using Conduit.Cli.Hosting;

namespace Conduit.Cli.Commands;

/// <summary><c>conduit chat "&lt;prompt&gt;" --runner provider/model [...] [-- agent args]</c>: one headless agent run.</summary>
internal static class ChatCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var prompt = new Argument<string>("prompt") { Description = "The prompt; '-' reads it from stdin." };
        var runner = new Option<string?>("--runner", "-r") { Description = "provider, provider/model or provider:model (claude, codex, cursor, gemini); default: conduit.defaultRunner." };
        var model = new Option<string?>("--model", "-m") { Description = "The model; overrides the model part of --runner." };
        var cwd = new Option<string?>("--cwd") { Description = "The agent's working directory (default: the project's path with --project, else the current directory)." };
        var project = new Option<string?>("--project", "-p") { Description = "A project id from the registry; the agent runs in its path with its config." };
        var resume = new Option<string?>("--resume") { Description = "Resume this provider session (thread) id." };
        var json = new Option<bool>("--json") { Description = "Print the normalized events, one JSON object a line." };
        var raw = new Option<bool>("--raw") { Description = "Print the provider's own stdout lines verbatim (the original Conduit's output)." };
        var timeout = new Option<string?>("--timeout") { Description = "Total timeout: 90, 30s, 10m, 1h." };
        var idleTimeout = new Option<string?>("--idle-timeout") { Description = "End the run when the agent prints nothing for this long." };
        var permission = new Option<AgentPermissionMode?>("--permission-mode") { Description = "default, read-only, accept-edits or full-access." };
        permission.CustomParser = result => ParsePermissionMode(result.Tokens.Count == 0 ? null : result.Tokens[0].Value, result);
        var maxTurns = new Option<int?>("--max-turns") { Description = "The most agent turns, where the CLI supports a limit." };
        var fakeModel = new Option<string?>("--fake-model") { Description = "Try it without an account: the real CLI (claude, codex, gemini) talks to Conduit's fake model API on 127.0.0.1, which answers with this text." };
        var db = new Option<string?>("--db") { Description = "Accepted and ignored, for the original Conduit's scripts (it named the SQLite file that held chat history). Each turn's transcript goes to <stateDir>/chats/<thread>/<item>/." };

        var command = new Command("chat", "Run one agent headless and stream its output. Arguments after -- go to the agent CLI verbatim.")
        {
            prompt, runner, model, cwd, project, resume, json, raw, timeout, idleTimeout, permission, maxTurns, fakeModel, db,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var invocation = new ChatInvocation
            {
                Prompt = parseResult.GetValue(prompt)!,
                Runner = parseResult.GetValue(runner),
                Model = parseResult.GetValue(model),
                WorkingDirectory = parseResult.GetValue(cwd),
                ProjectId = parseResult.GetValue(project),
                ResumeSessionId = parseResult.GetValue(resume),
                Format = parseResult.GetValue(json) ? ChatOutputFormat.Json : parseResult.GetValue(raw) ? ChatOutputFormat.Raw : ChatOutputFormat.Text,
                Timeout = parseResult.GetValue(timeout),
                IdleTimeout = parseResult.GetValue(idleTimeout),
                PermissionMode = parseResult.GetValue(permission),
                MaxTurns = parseResult.GetValue(maxTurns),
                PassthroughArguments = environment.PassthroughArguments,
                FakeModelReply = parseResult.GetValue(fakeModel),
            };
            return await ChatExecution.RunAsync(environment, invocation, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static AgentPermissionMode? ParsePermissionMode(string? value, System.CommandLine.Parsing.ArgumentResult result)
    {
        switch (value?.Trim().ToLowerInvariant().Replace('_', '-'))
        {
            case null: return null;
            case "default": return AgentPermissionMode.Default;
            case "read-only" or "readonly" or "plan": return AgentPermissionMode.ReadOnly;
            case "accept-edits" or "acceptedits": return AgentPermissionMode.AcceptEdits;
            case "full-access" or "yolo" or "bypass": return AgentPermissionMode.FullAccess;
            default:
                result.AddError($"--permission-mode \"{value}\" is not valid; use default, read-only, accept-edits or full-access.");
                return null;
        }
    }
}
