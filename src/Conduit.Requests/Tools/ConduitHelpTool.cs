using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary><c>conduit.help</c>: how to write requests (topics requests, tools, permissions, results, examples).</summary>
internal sealed class ConduitHelpTool : IRequestTool
{
    private static readonly string[] Topics = ["requests", "tools", "permissions", "results", "examples"];

    public string Name => ToolNames.ConduitHelp;

    public Task<ToolOutcome> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var args = new ToolArgs(context.Args, Name);
        var topic = args.String("topic", required: false, fallback: "requests");
        if (args.Error is not null || topic is null)
        {
            return Task.FromResult(ToolOutcome.Fail(args.Error ?? "args.topic must be a string."));
        }

        if (!Topics.Contains(topic))
        {
            return Task.FromResult(ToolOutcome.Fail($"Unknown help topic: {topic}. Topics: {string.Join(", ", Topics)}."));
        }

        var content = new JsonObject
        {
            ["topic"] = topic,
            ["requestRules"] = new JsonArray(
                "Copy exactly one envelope: raw JSON or one fenced ```conduit block, nothing around it.",
                "Required: schema (or v:\"1\"), source {kind}, permissions (may be []), actions (at least one).",
                "Declare every permission the actions need: filesystem read/write, shell, agent.",
                "Without a paired session and its current nonce, the user reviews the request before anything runs.",
                "Each nonce works once; the results carry nextNonce for the next request.",
                "Strict JSON: no comments, trailing commas or duplicate keys; unknown top-level fields are rejected."),
            ["minimalForms"] = new JsonArray(
                "{\"v\":\"1\",\"source\":{\"kind\":\"chat\"},\"permissions\":[],\"do\":\"help\"}",
                "{\"v\":\"1\",\"session\":\"sess_…\",\"n\":\"call_…\",\"source\":{\"kind\":\"chat\"},\"permissions\":[{\"kind\":\"filesystem\",\"scope\":\"project\",\"access\":\"read\"}],\"do\":[\"list .\",\"read README.md\",\"status\"]}"),
            ["shortcuts"] = new JsonObject
            {
                ["read"] = ToolNames.FileRead,
                ["list"] = ToolNames.FileList,
                ["status"] = ToolNames.GitStatus,
                ["diff"] = ToolNames.GitDiff,
                ["write"] = ToolNames.FileWrite,
                ["patch"] = ToolNames.FilePatch,
                ["shell"] = ToolNames.ShellRun,
                ["help"] = ToolNames.ConduitHelp,
                ["about"] = ToolNames.ConduitAbout,
            },
            ["tools"] = new JsonArray(ToolNames.All.Select(t => (JsonNode?)t).ToArray()),
            ["results"] = "Results come back as conduit.results.v1 between <<<CONDUIT_RESULTS_JSON and CONDUIT_RESULTS_JSON>>>.",
            ["example"] = new JsonObject
            {
                ["schema"] = RequestSchema.SchemaName,
                ["source"] = new JsonObject { ["kind"] = "docs", ["trust"] = "untrusted" },
                ["permissions"] = new JsonArray(),
                ["title"] = "Show Conduit help",
                ["actions"] = new JsonArray(new JsonObject { ["id"] = "help", ["tool"] = ToolNames.ConduitHelp, ["args"] = new JsonObject() }),
            },
        };
        return Task.FromResult(ToolOutcome.Ok(content));
    }
}
