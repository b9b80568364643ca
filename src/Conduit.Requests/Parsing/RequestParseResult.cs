namespace Conduit.Requests;

/// <summary>What the parser made of a text.</summary>
public enum RequestParseStatus
{
    /// <summary>One valid request; see <see cref="RequestParseResult.Request"/>.</summary>
    Request,

    /// <summary>Not a request (prose, a block inside prose, unrelated JSON): ignore it, write nothing back, touch no nonce.</summary>
    NotARequest,

    /// <summary>Looked like a request but was rejected; answer <see cref="RequestParseResult.Repair"/>.</summary>
    Rejected,

    /// <summary>An agent turn that ends the loop with a <c>conduit-final</c> block; see <see cref="RequestParseResult.FinalJson"/>.</summary>
    Final,
}

/// <summary>The outcome of <see cref="RequestParser.Parse"/>.</summary>
public sealed class RequestParseResult
{
    /// <summary>What was found.</summary>
    public required RequestParseStatus Status { get; init; }

    /// <summary>The request, when <see cref="Status"/> is <see cref="RequestParseStatus.Request"/>.</summary>
    public ParsedRequest? Request { get; init; }

    /// <summary>Every problem, each with its JSON path, when rejected.</summary>
    public IReadOnlyList<RequestProblem> Problems { get; init; } = [];

    /// <summary>The repair envelope to answer with, when rejected.</summary>
    public RepairEnvelope? Repair { get; init; }

    /// <summary>The <c>conduit-final</c> JSON of an agent turn.</summary>
    public string? FinalJson { get; init; }

    /// <summary>Whether the agent turn was a handshake request (refused: a source never pairs itself).</summary>
    public bool IsHandshakeRequest { get; init; }

    internal static RequestParseResult NotARequest { get; } = new() { Status = RequestParseStatus.NotARequest };

    internal static RequestParseResult Reject(IReadOnlyList<RequestProblem> problems) =>
        new() { Status = RequestParseStatus.Rejected, Problems = problems, Repair = RepairEnvelope.FromProblems(problems) };

    internal static RequestParseResult Reject(RequestProblem problem) => Reject([problem]);
}
