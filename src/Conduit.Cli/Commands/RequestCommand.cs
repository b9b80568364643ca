using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Conduit.Cli.Hosting;
using Conduit.Cli.Requests;
using Conduit.Requests;

namespace Conduit.Cli.Commands;

/// <summary>
/// <c>conduit request validate|review|run|watch|pair|sessions</c>: the conduit.request.v1 protocol on this machine.
/// Nothing from an untrusted source runs before a review on the terminal; with no terminal, <c>run</c> refuses.
/// </summary>
internal static class RequestCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("request", "Validate, review and run conduit.request.v1 requests (files, stdin, the clipboard, conduit:// links); pair sessions.");
        command.Subcommands.Add(CreateValidate(environment));
        command.Subcommands.Add(CreateReview(environment));
        command.Subcommands.Add(CreateRun(environment));
        command.Subcommands.Add(CreateWatch(environment));
        command.Subcommands.Add(CreatePair(environment));
        command.Subcommands.Add(CreateSessions(environment));
        return command;
    }

    private sealed record InputOptions(Argument<string?> File, Option<bool> Clipboard, Option<string?> Link)
    {
        public static InputOptions Create() => new(
            new Argument<string?>("file") { Description = "The request file; '-' reads standard input.", Arity = ArgumentArity.ZeroOrOne },
            new Option<bool>("--clipboard") { Description = "Read the request from the clipboard." },
            new Option<string?>("--link") { Description = "A conduit://run?payload=… link." });

        public void AddTo(Command command)
        {
            command.Arguments.Add(File);
            command.Options.Add(Clipboard);
            command.Options.Add(Link);
        }

        public RequestInput Read(ParseResult parseResult) => new()
        {
            File = parseResult.GetValue(File),
            Clipboard = parseResult.GetValue(Clipboard),
            Link = parseResult.GetValue(Link),
        };
    }

    private static Command CreateValidate(CliEnvironment environment)
    {
        var input = InputOptions.Create();
        var command = new Command("validate", "Print the canonical request (exit 0) or the conduit.repair.v1 envelope (exit 2). Never runs anything.");
        input.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => WithParsedAsync(environment, input.Read(parseResult), (host, request) =>
        {
            CliConfiguration.WriteJson(environment, request.GetCanonical());
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken));
        return command;
    }

    private static Command CreateReview(CliEnvironment environment)
    {
        var input = InputOptions.Create();
        var command = new Command("review", "Print the full review (every action and argument, invisible characters made visible) and the SHA-256 an approval binds to. Never runs anything.");
        input.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => WithParsedAsync(environment, input.Read(parseResult), async (host, request) =>
        {
            var evaluation = await host.Processor.EvaluateAsync(request, RequestTransport.Clipboard, cancellationToken).ConfigureAwait(false);
            var review = host.Processor.CreateReview(request, evaluation);
            await environment.Out.WriteAsync(review.Text).ConfigureAwait(false);
            await environment.Out.WriteLineAsync("Approval hash: " + review.RequestHash).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRun(CliEnvironment environment)
    {
        var input = InputOptions.Create();
        var format = FormatOption();
        var command = new Command("run", "Run a request: a paired session's request runs directly; anything else is reviewed on the terminal first. Without a terminal it is refused (exit 5) and nothing runs.") { format };
        input.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => WithParsedAsync(environment, input.Read(parseResult), async (host, request) =>
        {
            var outcome = await ReviewedRequestRun.RunAsync(host, request, started: null, cancellationToken).ConfigureAwait(false);
            var (text, exitCode) = ReviewedRequestRun.Render(outcome, parseResult.GetValue(format), host.Processor.Options.MaxClipboardResultChars);
            await (exitCode == ExitCodes.NeedsReview ? environment.Error : environment.Out).WriteLineAsync(text.TrimEnd('\n')).ConfigureAwait(false);
            await environment.Error.WriteLineAsync($"[conduit] run {outcome.RunId} logged in {outcome.RunDirectory}").ConfigureAwait(false);
            return exitCode;
        }, cancellationToken));
        return command;
    }

    private static Command CreateWatch(CliEnvironment environment)
    {
        var interval = new Option<string?>("--interval") { Description = "How often to read the clipboard: 500ms, 1s (default), 2s." };
        var once = new Option<bool>("--once") { Description = "Read the clipboard once, handle what is there, and exit." };
        var command = new Command("watch", "Watch the clipboard: each new request gets the \"still working\" status, then its results. Untrusted requests are reviewed on the terminal.") { interval, once };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var period = TimeSpan.FromSeconds(1);
            if (parseResult.GetValue(interval) is { } text && !DurationParser.TryParse(text, out period))
            {
                CliConfiguration.WriteError(environment, $"--interval \"{text}\" is not a duration; use e.g. 500ms, 1s or 2s.");
                return ExitCodes.UsageError;
            }

            await using var host = RequestHost.TryCreate(environment);
            if (host is null)
            {
                return ExitCodes.ConfigurationError;
            }

            try
            {
                var watcher = new ClipboardWatcher(host, SystemClipboard.Detect(environment.GetEnvironmentVariable));
                if (parseResult.GetValue(once))
                {
                    return await watcher.PollOnceAsync(cancellationToken).ConfigureAwait(false);
                }

                await environment.Error.WriteLineAsync("[conduit] watching the clipboard for conduit requests; Ctrl+C stops.").ConfigureAwait(false);
                while (!cancellationToken.IsCancellationRequested)
                {
                    await watcher.PollOnceAsync(cancellationToken).ConfigureAwait(false);
                    await Task.Delay(period, environment.TimeProvider, cancellationToken).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
            catch (ClipboardException exception)
            {
                CliConfiguration.WriteError(environment, exception.Message);
                return ExitCodes.ProviderNotInstalled;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
        });
        return command;
    }

    private static Command CreatePair(CliEnvironment environment)
    {
        var profile = new Option<string>("--profile") { Description = "read-only (default), edit-with-confirmation or shell-manual.", DefaultValueFactory = _ => "read-only" };
        var roots = new Option<string[]>("--root") { Description = "A directory the session may touch (repeatable); default: the current directory.", AllowMultipleArgumentsPerToken = false };
        var transport = new Option<string>("--transport") { Description = "clipboard (default), extension, browser-yolo or api: the session works only there.", DefaultValueFactory = _ => "clipboard" };
        var label = new Option<string?>("--label") { Description = "A name for the session, shown by sessions list." };
        var json = new Option<bool>("--json") { Description = "Print the conduit.handshake.v1 document instead of the card." };
        var command = new Command("pair", "Open a paired session and print the agent handshake card (paste it into the chat).") { profile, roots, transport, label, json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!PermissionProfileNames.TryParse(parseResult.GetValue(profile), out var permissionProfile))
            {
                CliConfiguration.WriteError(environment, $"--profile \"{parseResult.GetValue(profile)}\" is not valid; use read-only, edit-with-confirmation or shell-manual.");
                return ExitCodes.UsageError;
            }

            if (!RequestTransportNames.TryParse(parseResult.GetValue(transport), out var sessionTransport))
            {
                CliConfiguration.WriteError(environment, $"--transport \"{parseResult.GetValue(transport)}\" is not valid; use clipboard, extension, browser-yolo or api.");
                return ExitCodes.UsageError;
            }

            var rootList = (parseResult.GetValue(roots) ?? []).Select(r => Path.GetFullPath(r, environment.WorkingDirectory)).ToList();
            var missing = rootList.FirstOrDefault(r => !Directory.Exists(r));
            if (missing is not null)
            {
                CliConfiguration.WriteError(environment, $"--root {missing}: no such directory.");
                return ExitCodes.UsageError;
            }

            await using var host = RequestHost.TryCreate(environment);
            if (host is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var session = await host.Processor.Sessions.CreateAsync(new SessionCreateOptions
            {
                Label = parseResult.GetValue(label),
                Transport = sessionTransport,
                Profile = permissionProfile,
                AllowedRoots = rootList.Count > 0 ? rootList : [environment.WorkingDirectory],
            }, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                CliConfiguration.WriteJson(environment, HandshakeCard.ToJson(session));
            }
            else
            {
                await environment.Out.WriteAsync(HandshakeCard.Render(session)).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateSessions(CliEnvironment environment)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var list = new Command("list", "List paired sessions: id, state, transport, profile, actions, expiry, roots.") { json };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var host = RequestHost.TryCreate(environment);
            if (host is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var now = environment.TimeProvider.GetUtcNow();
            var sessions = await host.Processor.Sessions.ListAsync(cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                CliConfiguration.WriteJson(environment, new JsonArray(sessions.Select(s => (JsonNode?)ToJson(s, now)).ToArray()));
                return ExitCodes.Success;
            }

            foreach (var session in sessions)
            {
                var expires = session.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "never";
                await environment.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{session.SessionId}\t{session.EffectiveState(now).ToName()}\t{session.Transport.ToName()}\t{session.PermissionProfile.ToName()}\tactions={session.ActionCount}\texpires={expires}\t{string.Join(',', session.AllowedRoots)}\t{session.Label}")).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });

        var id = new Argument<string>("session-id") { Description = "The session to revoke (sess_…)." };
        var revoke = new Command("revoke", "Revoke a session: its nonces stop working at once.") { id };
        revoke.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var host = RequestHost.TryCreate(environment);
            if (host is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var sessionId = parseResult.GetValue(id)!;
            if (!await host.Processor.Sessions.RevokeAsync(sessionId, cancellationToken).ConfigureAwait(false))
            {
                CliConfiguration.WriteError(environment, $"No session {sessionId}.");
                return ExitCodes.UsageError;
            }

            await environment.Out.WriteLineAsync($"Revoked {sessionId}.").ConfigureAwait(false);
            return ExitCodes.Success;
        });

        return new Command("sessions", "List or revoke paired sessions.") { list, revoke };
    }

    private static JsonObject ToJson(RequestSession session, DateTimeOffset now) => new()
    {
        ["sessionId"] = session.SessionId,
        ["label"] = session.Label,
        ["state"] = session.EffectiveState(now).ToName(),
        ["transport"] = session.Transport.ToName(),
        ["permissionProfile"] = session.PermissionProfile.ToName(),
        ["allowedRoots"] = new JsonArray(session.AllowedRoots.Select(r => (JsonNode?)r).ToArray()),
        ["createdAt"] = session.CreatedAt,
        ["expiresAt"] = session.ExpiresAt,
        ["actionCount"] = session.ActionCount,
        ["lastActionAt"] = session.LastActionAt,
    };

    private static Option<ResultFormat> FormatOption()
    {
        var format = new Option<ResultFormat>("--format") { Description = "json (default): conduit.results.v1; clipboard: the CONDUIT_RESULTS_JSON block an agent reads." };
        format.CustomParser = result =>
        {
            var value = result.Tokens.Count == 0 ? "json" : result.Tokens[0].Value;
            switch (value)
            {
                case "json": return ResultFormat.Json;
                case "clipboard": return ResultFormat.Clipboard;
                default:
                    result.AddError($"--format \"{value}\" is not valid; use json or clipboard.");
                    return ResultFormat.Json;
            }
        };
        return format;
    }

    /// <summary>Reads and parses the input, then calls <paramref name="action"/> with the request; handles the other outcomes.</summary>
    private static async Task<int> WithParsedAsync(CliEnvironment environment, RequestInput input, Func<RequestHost, ParsedRequest, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            var read = await input.ReadAsync(environment, cancellationToken).ConfigureAwait(false);
            if (read is not { } source)
            {
                return ExitCodes.UsageError;
            }

            await using var host = RequestHost.TryCreate(environment);
            if (host is null)
            {
                return ExitCodes.ConfigurationError;
            }

            var parsed = host.Processor.Parse(source.Text, source.Origin);
            switch (parsed.Status)
            {
                case RequestParseStatus.Request:
                    return await action(host, parsed.Request!).ConfigureAwait(false);
                case RequestParseStatus.Rejected:
                    await environment.Out.WriteAsync(parsed.Repair!.Render()).ConfigureAwait(false);
                    return ExitCodes.UsageError;
                default:
                    CliConfiguration.WriteError(environment, "Not a conduit request: the input must be one conduit.request.v1 JSON object (raw or in one fenced block) and nothing else.");
                    return ExitCodes.UsageError;
            }
        }
        catch (ClipboardException exception)
        {
            CliConfiguration.WriteError(environment, exception.Message);
            return ExitCodes.ProviderNotInstalled;
        }
    }
}
