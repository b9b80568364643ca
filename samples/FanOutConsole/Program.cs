using System.Globalization;
using Conduit;
using Conduit.FanOut;
using Conduit.Testing;
using Microsoft.Extensions.DependencyInjection;

// Fans one prompt out across runners and prints how each did: outcome, wall time, tokens, cost, answer.
//   FanOutConsole "<prompt>" [--runner claude --runner codex/gpt-5 ...] [--fake-model "<reply>"]
// --fake-model runs the real CLIs against Conduit's fake model API on 127.0.0.1 (no account, no network).
var prompt = (string?)null;
var runners = new List<string>();
var fakeReply = (string?)null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runner" when i + 1 < args.Length:
            runners.Add(args[++i]);
            break;
        case "--fake-model" when i + 1 < args.Length:
            fakeReply = args[++i];
            break;
        default:
            prompt ??= args[i];
            break;
    }
}

if (string.IsNullOrWhiteSpace(prompt))
{
    Console.Error.WriteLine("usage: FanOutConsole \"<prompt>\" [--runner <provider[/model]>]... [--fake-model \"<reply>\"]");
    return 2;
}

if (runners.Count == 0)
{
    runners.AddRange([AgentProviders.Claude, AgentProviders.Codex, AgentProviders.Gemini]);
}

await using var fakeModel = fakeReply is null
    ? null
    : await FakeModelServer.StartAsync(new FakeModelServerOptions { DefaultTurn = FakeTurn.Text(fakeReply) });
var services = new ServiceCollection();
var conduit = services.AddConduit();
if (fakeModel is not null)
{
    conduit.UseFakeModelServer(fakeModel);
}

services.AddConduitFanOut();
await using var provider = services.BuildServiceProvider();
var fanOut = provider.GetRequiredService<AgentFanOut>();

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var result = await fanOut.RunAsync(
    new FanOutRequest
    {
        Tasks = [FanOutTask.Chat(prompt)],
        Runners = [.. runners.Select(r => FanOutRunner.For(RunnerSpec.Parse(r)))],
        Workspaces = FanOutWorkspaceMode.Shared, // a question, not an edit: every runner may share the current folder
        Timeout = TimeSpan.FromMinutes(5),
    },
    new Progress<TrialUpdate>(update => Console.Error.WriteLine($"  {update.Trial.RunnerName}: {update.Kind}")),
    cancel.Token);

Console.WriteLine($"{"runner",-18} {"outcome",-14} {"wall",8} {"tokens",8} {"cost",10}  answer");
foreach (var trial in result.Trials)
{
    var cost = trial.Usage.CostUsd is { } usd ? "$" + usd.ToString("0.000000", CultureInfo.InvariantCulture) : "-";
    var answer = (trial.FinalText ?? trial.Reason ?? "").ReplaceLineEndings(" ");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{trial.Trial.RunnerName,-18} {trial.Outcome,-14} {trial.WallTime.TotalSeconds,7:0.0}s {trial.Usage.TotalTokens,8} {cost,10}  {answer}"));
}

var succeeded = result.Trials.Where(t => t.Outcome == AgentOutcome.Succeeded).ToArray();
if (succeeded.Length > 0)
{
    var fastest = succeeded.MinBy(t => t.WallTime)!;
    Console.WriteLine($"fastest: {fastest.Trial.RunnerName}");
    if (succeeded.Where(t => t.Usage.CostUsd is not null).MinBy(t => t.Usage.CostUsd) is { } cheapest)
    {
        Console.WriteLine($"cheapest: {cheapest.Trial.RunnerName}");
    }
}

return succeeded.Length == result.Trials.Count ? 0 : 1;
