using System.Reflection;

namespace Conduit.Policies;

/// <summary>
/// The presets and components shipped in this assembly (the files under <c>src/Conduit.Policies/Assets/</c>, embedded as
/// <c>Conduit.Policies.Assets/&lt;relative path&gt;</c>).
/// </summary>
internal static class BundledAssets
{
    private const string Prefix = "Conduit.Policies.Assets/";

    /// <summary>The embedded files under <paramref name="folder"/> (<c>presets</c> or <c>components</c>), as paths relative to it.</summary>
    public static IReadOnlyList<string> Files(string folder)
    {
        var prefix = Prefix + folder + "/";
        return typeof(BundledAssets).Assembly.GetManifestResourceNames()
            .Select(name => name.Replace('\\', '/'))
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(name => name[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The bytes of one embedded file.</summary>
    public static byte[] Read(string folder, string relativePath)
    {
        var assembly = typeof(BundledAssets).Assembly;
        var wanted = Prefix + folder + "/" + relativePath;
        var name = assembly.GetManifestResourceNames().First(n => n.Replace('\\', '/') == wanted);
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>The package version recorded in <c>.bundle-meta.json</c> (the informational version without build metadata).</summary>
    public static string PackageVersion
    {
        get
        {
            var assembly = typeof(BundledAssets).Assembly;
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString()
                ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    /// <summary>The mode a copied file gets: scripts are executable.</summary>
    public static UnixFileMode ModeFor(string relativePath) => relativePath.EndsWith(".sh", StringComparison.Ordinal)
        ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
}
