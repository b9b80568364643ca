namespace Conduit.Requests;

/// <summary>A permission the request declares: <c>{kind, scope?, access?}</c>.</summary>
public sealed class DeclaredPermission
{
    /// <summary><c>filesystem</c>, <c>shell</c>, <c>network</c> or <c>agent</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The scope, e.g. <c>project</c>.</summary>
    public string? Scope { get; init; }

    /// <summary>The access, <c>read</c> or <c>write</c> for the filesystem.</summary>
    public string? Access { get; init; }

    /// <summary>As the review shows it: <c>kind:scope:access</c>, with <c>*</c> for a missing part.</summary>
    public override string ToString() => $"{Kind}:{Scope ?? "*"}:{Access ?? "*"}";
}
