using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>One canonical action of a request.</summary>
public sealed class RequestAction
{
    private readonly JsonObject _args;

    internal RequestAction(int index, string id, string tool, JsonObject args, string? reason, string? risk, bool idGenerated)
    {
        Index = index;
        Id = id;
        Tool = tool;
        _args = args;
        Reason = reason;
        Risk = risk;
        IdGenerated = idGenerated;
        ArgsJson = RequestJson.ToCompactString(args);
    }

    /// <summary>The position in <c>actions</c>, from 0.</summary>
    public int Index { get; }

    /// <summary>The action id, unique in the request.</summary>
    public string Id { get; }

    /// <summary>The canonical tool name (aliases already mapped); unknown tools keep their name.</summary>
    public string Tool { get; }

    /// <summary>The arguments as compact JSON.</summary>
    public string ArgsJson { get; }

    /// <summary>Why the source wants this action (<c>reason</c>, else <c>why</c>).</summary>
    public string? Reason { get; }

    /// <summary>The risk the source claims: <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    public string? Risk { get; }

    /// <summary>Whether the id was generated (<c>&lt;slug&gt;_&lt;hash8&gt;</c>) because the source gave none.</summary>
    public bool IdGenerated { get; }

    /// <summary>A copy of the arguments.</summary>
    public JsonObject GetArgs() => (JsonObject)_args.DeepClone();

    /// <summary>The arguments, shared (callers inside the package must not change them).</summary>
    internal JsonObject Args => _args;
}
