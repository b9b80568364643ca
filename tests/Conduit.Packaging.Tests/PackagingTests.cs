using System.IO.Compression;
using System.Xml.Linq;

namespace Conduit.Packaging.Tests;

/// <summary>scripts/pack.sh packs every package and installs the <c>conduit</c> tool as a user would.</summary>
public sealed class PackagingTests(PackedPackages packed) : IClassFixture<PackedPackages>
{
    /// <summary>Every package the solution ships: one per project under src/.</summary>
    public static TheoryData<string> PackageIds => new(SourceProject.All().Select(p => p.PackageId));

    [Fact]
    public void Every_library_is_packed_under_its_own_name_and_the_cli_as_the_conduit_tool()
    {
        var ids = SourceProject.All().Select(p => p.PackageId).ToList();
        Assert.Contains("conduit", ids);
        foreach (var library in new[] { "Conduit.Abstractions", "Conduit.Configuration", "Conduit.Runners", "Conduit.Policies", "Conduit.Requests", "Conduit.Testing", "Conduit.Server" })
        {
            Assert.Contains(library, ids);
        }

        Assert.True(SourceProject.ByPackageId("conduit").IsTool);
    }

    [Fact]
    public async Task The_conduit_tool_installs_from_the_package_folder_onto_a_clean_tool_path_and_reports_its_version()
    {
        Assert.True(packed.ScriptExitCode == 0, $"scripts/pack.sh failed ({packed.ScriptExitCode}):\n{packed.ScriptOutput}");
        var conduit = Path.Combine(packed.ToolPath, "conduit");
        Assert.True(File.Exists(conduit), $"{conduit} was not installed:\n{packed.ScriptOutput}");

        // The runtime this test runs on: <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        var dotnetRoot = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var (exitCode, output) = await ProcessRunner.RunAsync(conduit, ["--version"], Path.GetTempPath(), TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["DOTNET_ROOT"] = dotnetRoot });

        Assert.Equal(0, exitCode);
        // The informational version: 0.1.0, or 0.1.0+<commit> when SourceLink found the commit.
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(BuildInfo.Version)}(\\+[0-9a-f]+)?\\n?$", output);
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Every_package_carries_its_readme_license_repository_xml_docs_and_a_symbol_package(string id)
    {
        Assert.True(packed.ScriptExitCode == 0, $"scripts/pack.sh failed ({packed.ScriptExitCode}):\n{packed.ScriptOutput}");
        var package = Path.Combine(packed.PackageFolder, $"{id}.{BuildInfo.Version}.nupkg");
        Assert.True(File.Exists(package), $"{package} is missing; the folder holds: {string.Join(", ", Directory.GetFiles(packed.PackageFolder).Select(Path.GetFileName))}");

        using var zip = ZipFile.OpenRead(package);
        var nuspec = ReadNuspec(zip, id);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        Assert.Equal(BuildInfo.Version, metadata.Element(ns + "version")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), "description");
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "authors")?.Value), "authors");

        var license = metadata.Element(ns + "license")!;
        Assert.Equal("expression", license.Attribute("type")!.Value);
        Assert.Equal("MIT", license.Value);

        var repository = metadata.Element(ns + "repository")!;
        Assert.Equal("git", repository.Attribute("type")!.Value);
        Assert.Equal(BuildInfo.RepositoryUrl, repository.Attribute("url")!.Value);
        Assert.Equal(BuildInfo.RepositoryUrl, metadata.Element(ns + "projectUrl")!.Value);

        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        var readme = ReadEntry(zip, "README.md");
        Assert.StartsWith($"# {id}", readme, StringComparison.OrdinalIgnoreCase);

        var project = SourceProject.ByPackageId(id);
        var assemblyFolder = project.AssemblyFolder;
        var assemblyName = project.AssemblyName;
        Assert.NotNull(zip.GetEntry(assemblyFolder + assemblyName + ".dll"));
        Assert.NotNull(zip.GetEntry(assemblyFolder + assemblyName + ".xml"));

        var symbols = Path.ChangeExtension(package, ".snupkg");
        Assert.True(File.Exists(symbols), $"{symbols} is missing");
        using var symbolZip = ZipFile.OpenRead(symbols);
        Assert.NotNull(symbolZip.GetEntry(assemblyFolder + assemblyName + ".pdb"));
    }

    [Fact]
    public void The_tool_package_is_a_dotnet_tool_for_the_conduit_command()
    {
        Assert.True(packed.ScriptExitCode == 0, $"scripts/pack.sh failed ({packed.ScriptExitCode}):\n{packed.ScriptOutput}");
        using var zip = ZipFile.OpenRead(Path.Combine(packed.PackageFolder, $"conduit.{BuildInfo.Version}.nupkg"));
        var nuspec = ReadNuspec(zip, "conduit");
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var packageType = nuspec.Root.Element(ns + "metadata")!.Element(ns + "packageTypes")!.Element(ns + "packageType")!;
        Assert.Equal("DotnetTool", packageType.Attribute("name")!.Value);

        var settings = XDocument.Parse(ReadEntry(zip, "tools/net10.0/any/DotnetToolSettings.xml"));
        var command = settings.Descendants("Command").Single();
        Assert.Equal("conduit", command.Attribute("Name")!.Value);
        Assert.Equal("conduit.dll", command.Attribute("EntryPoint")!.Value);
    }

    [Fact]
    public void Only_the_projects_under_src_are_packed()
    {
        Assert.True(packed.ScriptExitCode == 0, $"scripts/pack.sh failed ({packed.ScriptExitCode}):\n{packed.ScriptOutput}");
        var ids = Directory.GetFiles(packed.PackageFolder, "*.nupkg")
            .Select(p => Path.GetFileName(p)[..^$".{BuildInfo.Version}.nupkg".Length])
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(SourceProject.All().Select(p => p.PackageId).Order(StringComparer.Ordinal).ToArray(), ids);
    }

    private static XDocument ReadNuspec(ZipArchive zip, string id)
    {
        var entry = zip.Entries.Single(e => e.FullName.Equals(id + ".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }

    private static string ReadEntry(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"{name} is missing from the package ({string.Join(", ", zip.Entries.Select(e => e.FullName))})");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
