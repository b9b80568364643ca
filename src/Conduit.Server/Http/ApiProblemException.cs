namespace Conduit.Server.Http;

/// <summary>Thrown by request parsing to answer with a problem; caught by the endpoint filter.</summary>
internal sealed class ApiProblemException : Exception
{
    public ApiProblemException(ApiProblem problem)
        : base(problem.Detail)
    {
        Problem = problem;
    }

    public ApiProblem Problem { get; }
}
