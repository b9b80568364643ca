using Conduit.Server.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Server.Tests;

internal static class ServiceProviderTestExtensions
{
    public static string[] GetChatThreadIds(this IServiceProvider services) =>
        services.GetRequiredService<ChatThreadRegistry>().Snapshot().Select(i => i.ThreadId).Distinct().ToArray();

    public static int GetChatQueueDepth(this IServiceProvider services) =>
        services.GetRequiredService<ChatThreadRegistry>().QueuedCount;
}
