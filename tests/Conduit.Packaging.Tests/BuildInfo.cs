using System.Reflection;

namespace Conduit.Packaging.Tests;

/// <summary>Facts about the build these tests belong to, written into the assembly by the project file.</summary>
internal static class BuildInfo
{
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string Configuration => Metadata("Configuration");

    public static string Version => Metadata("ConduitVersion");

    public static string RepositoryUrl => Metadata("RepositoryUrl");

    private static string Metadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The assembly metadata {key} is empty.");
}
