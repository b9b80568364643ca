using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// A request that parsed, normalised and validated: the canonical <c>conduit.request.v1</c> envelope and its hash.
/// Nothing has been decided or run.
/// </summary>
public sealed class ParsedRequest
{
    private readonly JsonObject _canonical;

    internal ParsedRequest(JsonObject canonical, RequestOrigin origin, IReadOnlyList<RequestAction> actions, IReadOnlyList<DeclaredPermission> permissions, bool permissionsInferred)
    {
        _canonical = canonical;
        Origin = origin;
        Actions = actions;
        Permissions = permissions;
        PermissionsInferred = permissionsInferred;
        CanonicalJson = RequestJson.ToCompactString(canonical);
        Hash = RequestHash.Compute(canonical);
        var source = (JsonObject)canonical["source"]!;
        SourceKind = (string)source["kind"]!;
        SourceTrust = source["trust"]?.GetValue<string>();
        SourceJson = RequestJson.ToCompactString(source);
        SessionId = canonical["sessionId"]?.GetValue<string>();
        Nonce = canonical["nonce"]?.GetValue<string>();
        Title = canonical["title"]?.GetValue<string>();
        Description = canonical["description"]?.GetValue<string>();
        RequestedCapabilities = canonical["requestedCapabilities"] is JsonArray caps ? caps.Select(c => c!.GetValue<string>()).ToArray() : [];
        ResultTransport = canonical["resultMode"]?["transport"]?.GetValue<string>();
        ResultFormat = canonical["resultMode"]?["format"]?.GetValue<string>();
    }

    /// <summary>Where the text came from.</summary>
    public RequestOrigin Origin { get; }

    /// <summary>The canonical envelope as compact JSON (keys in the canonical order).</summary>
    public string CanonicalJson { get; }

    /// <summary>SHA-256 (lower-case hex) of the canonical envelope with sorted keys; approvals are bound to it.</summary>
    public string Hash { get; }

    /// <summary><c>source.kind</c>: a claim, not a credential.</summary>
    public string SourceKind { get; }

    /// <summary><c>source.trust</c>: a claim, not a credential.</summary>
    public string? SourceTrust { get; }

    /// <summary>The whole <c>source</c> object (extra keys kept) as compact JSON.</summary>
    public string SourceJson { get; }

    /// <summary>The declared permissions.</summary>
    public IReadOnlyList<DeclaredPermission> Permissions { get; }

    /// <summary>
    /// Whether <see cref="Permissions"/> were inferred from the actions because an agent turn left them out
    /// (allowed only in a paired agent loop; clipboard, file, link and API requests must declare them).
    /// </summary>
    public bool PermissionsInferred { get; }

    /// <summary>The claimed session.</summary>
    public string? SessionId { get; }

    /// <summary>The nonce, if any.</summary>
    public string? Nonce { get; }

    /// <summary>The title, for the review only.</summary>
    public string? Title { get; }

    /// <summary>The description, for the review only.</summary>
    public string? Description { get; }

    /// <summary>The capabilities the source says it wants, for the review only.</summary>
    public IReadOnlyList<string> RequestedCapabilities { get; }

    /// <summary><c>resultMode.transport</c>, if given.</summary>
    public string? ResultTransport { get; }

    /// <summary><c>resultMode.format</c>, if given.</summary>
    public string? ResultFormat { get; }

    /// <summary>The actions, in order.</summary>
    public IReadOnlyList<RequestAction> Actions { get; }

    /// <summary>A copy of the canonical envelope.</summary>
    public JsonObject GetCanonical() => (JsonObject)_canonical.DeepClone();

    internal JsonObject Canonical => _canonical;
}
