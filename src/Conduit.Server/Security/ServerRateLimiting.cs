using Conduit.Configuration;
using System.Threading.RateLimiting;
using Conduit.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Server;

/// <summary>Throttling of the submitting endpoints with ASP.NET Core's rate limiter: a fixed window per client address or global.</summary>
internal static class ServerRateLimiting
{
    public const string SubmitPolicy = "conduit-submit";

    public static IServiceCollection AddConduitRateLimiting(this IServiceCollection services, ConduitServerOptions options)
    {
        var throttling = options.Throttling;
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SubmitPolicy, context =>
            {
                if (!throttling.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }

                var key = throttling.Key == ThrottlingKey.Global ? "global" : context.Connection.RemoteIpAddress?.ToString() ?? "unix";
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = throttling.MaxRequests,
                    Window = TimeSpan.FromMilliseconds(throttling.WindowMs),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var value) ? value : TimeSpan.FromMilliseconds(throttling.WindowMs);
                return new ValueTask(ApiProblem.TooManyRequests("rate_limited", "Rate limit exceeded", retryAfter).WriteAsync(context.HttpContext));
            };
        });
        return services;
    }
}
