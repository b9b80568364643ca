using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conduit.Server.Http;

/// <summary>The problem-details body every error answer has (RFC 7807 plus <c>error</c>, <c>field</c> and <c>errors</c>). For OpenAPI; written by <see cref="ApiProblem"/>.</summary>
internal sealed class ProblemBody
{
    /// <summary><c>urn:conduit:problem:&lt;code&gt;</c>.</summary>
    [JsonPropertyName("type")] public required string Type { get; init; }

    [JsonPropertyName("title")] public required string Title { get; init; }

    [JsonPropertyName("status")] public required int Status { get; init; }

    /// <summary>What is wrong.</summary>
    [JsonPropertyName("detail")] public required string Detail { get; init; }

    /// <summary>The same text as <c>detail</c>: the member the original Conduit's clients read.</summary>
    [JsonPropertyName("error")] public required string Error { get; init; }

    /// <summary>The request path.</summary>
    [JsonPropertyName("instance")] public string? Instance { get; init; }

    /// <summary>The field (body member, query parameter or header) at fault.</summary>
    [JsonPropertyName("field")] public string? Field { get; init; }

    /// <summary><c>{field: [message]}</c>, as ASP.NET Core validation problems.</summary>
    [JsonPropertyName("errors")] public IReadOnlyDictionary<string, IReadOnlyList<string>>? Errors { get; init; }
}

internal static class ProblemBodyEndpointExtensions
{
    /// <summary>Documents problem answers with <paramref name="statusCodes"/>.</summary>
    public static RouteHandlerBuilder ProducesApiProblem(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.Produces<ProblemBody>(statusCode, ApiProblem.ContentType);
        }

        return builder;
    }
}
