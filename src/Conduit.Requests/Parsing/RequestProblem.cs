namespace Conduit.Requests;

/// <summary>Why a request was rejected: a repair code, the JSON path of the offending value, and a message.</summary>
public sealed class RequestProblem
{
    /// <summary>The repair code, one of <see cref="RepairCodes"/>.</summary>
    public required string Code { get; init; }

    /// <summary>The JSON path of the offending value (<c>$</c> for the whole input, <c>$.actions[1].tool</c>, …).</summary>
    public required string Path { get; init; }

    /// <summary>What is wrong, in one sentence.</summary>
    public required string Message { get; init; }

    /// <summary>The message prefixed with its path, e.g. <c>$.actions: must contain at least one action.</c></summary>
    public override string ToString() => $"{Path}: {Message}";

    internal static RequestProblem Malformed(string path, string message) => new() { Code = RepairCodes.MalformedJson, Path = path, Message = message };

    internal static RequestProblem Schema(string path, string message) => new() { Code = RepairCodes.InvalidSchema, Path = path, Message = message };

    internal static RequestProblem Permissions(string path, string message) => new() { Code = RepairCodes.InvalidPermissions, Path = path, Message = message };
}
