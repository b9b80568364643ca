using System.Xml.Linq;

namespace Conduit.Packaging.Tests;

/// <summary>
/// A project under src/, read from its project file: every one is a package, so a new project is held to the same
/// rules (readme, license, docs, symbols) without editing these tests.
/// </summary>
internal sealed class SourceProject
{
    public required string Name { get; init; }

    public required string PackageId { get; init; }

    public required string AssemblyName { get; init; }

    public required bool IsTool { get; init; }

    /// <summary>Where the assembly sits inside the package.</summary>
    public string AssemblyFolder => IsTool ? "tools/net10.0/any/" : "lib/net10.0/";

    public static IReadOnlyList<SourceProject> All() =>
        Directory.GetDirectories(Path.Combine(BuildInfo.RepositoryRoot, "src"))
            .Select(dir => Path.Combine(dir, Path.GetFileName(dir) + ".csproj"))
            .Where(File.Exists)
            .Select(Read)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

    public static SourceProject ByPackageId(string id) => All().Single(p => p.PackageId == id);

    private static SourceProject Read(string projectFile)
    {
        var name = Path.GetFileNameWithoutExtension(projectFile);
        var properties = XDocument.Load(projectFile).Descendants("PropertyGroup").Elements().ToList();
        string? Property(string property) => properties.LastOrDefault(e => e.Name.LocalName == property)?.Value.Trim();
        return new SourceProject
        {
            Name = name,
            PackageId = Property("PackageId") ?? name,
            AssemblyName = Property("AssemblyName") ?? name,
            IsTool = string.Equals(Property("PackAsTool"), "true", StringComparison.OrdinalIgnoreCase),
        };
    }
}
