using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Conduit.Server.Http;

/// <summary>
/// An RFC 7807 problem details body. Besides <c>type</c>, <c>title</c>, <c>status</c> and <c>detail</c> it carries
/// <c>error</c> (the same text as <c>detail</c>: the only member the original Conduit's clients read) and, when one
/// field is at fault, <c>field</c> plus <c>errors</c> (<c>{field: [messages]}</c>, as ASP.NET Core validation problems).
/// </summary>
internal sealed class ApiProblem : IResult
{
    public const string ContentType = "application/problem+json";

    public required int Status { get; init; }

    /// <summary>A short machine-readable code, used in <c>type</c> (<c>urn:conduit:problem:&lt;code&gt;</c>).</summary>
    public required string Code { get; init; }

    public required string Title { get; init; }

    public required string Detail { get; init; }

    public string? Field { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public static ApiProblem Validation(string field, string detail) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Code = "validation",
        Title = "The request is invalid",
        Detail = detail,
        Field = field,
    };

    public static ApiProblem NotFound(string detail) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Code = "not_found",
        Title = "Not found",
        Detail = detail,
    };

    public static ApiProblem Conflict(string code, string detail) => new()
    {
        Status = StatusCodes.Status409Conflict,
        Code = code,
        Title = "Conflict",
        Detail = detail,
    };

    public static ApiProblem Forbidden(string code, string detail, string? field = null) => new()
    {
        Status = StatusCodes.Status403Forbidden,
        Code = code,
        Title = "Forbidden",
        Detail = detail,
        Field = field,
    };

    public static ApiProblem TooManyRequests(string code, string detail, TimeSpan retryAfter) => new()
    {
        Status = StatusCodes.Status429TooManyRequests,
        Code = code,
        Title = "Too many requests",
        Detail = detail,
        RetryAfter = retryAfter,
    };

    public JsonObject ToJson(string? instance)
    {
        var body = new JsonObject
        {
            ["type"] = $"urn:conduit:problem:{Code}",
            ["title"] = Title,
            ["status"] = Status,
            ["detail"] = Detail,
            ["error"] = Detail,
        };
        if (instance is not null)
        {
            body["instance"] = instance;
        }

        if (Field is not null)
        {
            body["field"] = Field;
            body["errors"] = new JsonObject { [Field] = new JsonArray(Detail) };
        }

        return body;
    }

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext);

    public async Task WriteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        if (RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(ToJson(httpContext.Request.Path.Value), ConduitJson.Options);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
