namespace Conduit.Configuration;

/// <summary>Where an effective configuration value came from.</summary>
public enum ConfigurationOriginKind
{
    /// <summary>Conduit's built-in default.</summary>
    Default,

    /// <summary>The global file, <c>$CONDUIT_HOME/config.yaml</c>.</summary>
    GlobalFile,

    /// <summary>The project file, the nearest <c>.conduit/config.yaml</c> above the working directory.</summary>
    ProjectFile,

    /// <summary>A command-line flag or a request override.</summary>
    Override,

    /// <summary>A file checked on its own (<c>conduit config validate FILE</c>).</summary>
    File,
}

/// <summary>Where an effective configuration value came from: its layer, the file or flag, and the position in the file.</summary>
public sealed class ConfigurationOrigin
{
    /// <summary>The built-in defaults.</summary>
    public static ConfigurationOrigin Default { get; } = new() { Kind = ConfigurationOriginKind.Default };

    /// <summary>The layer.</summary>
    public required ConfigurationOriginKind Kind { get; init; }

    /// <summary>The file path (file layers) or the flag / request field (overrides); null for defaults.</summary>
    public string? Source { get; init; }

    /// <summary>The 1-based line in <see cref="Source"/>, when known.</summary>
    public int? Line { get; init; }

    /// <summary>The 1-based column in <see cref="Source"/>, when known.</summary>
    public int? Column { get; init; }

    /// <summary>A copy of this origin at another position.</summary>
    public ConfigurationOrigin At(int? line, int? column) =>
        new() { Kind = Kind, Source = Source, Line = line, Column = column };

    /// <summary>The short name of the layer: <c>default</c>, <c>global</c>, <c>project</c>, <c>override</c> or <c>file</c>.</summary>
    public string LayerName => Kind switch
    {
        ConfigurationOriginKind.Default => "default",
        ConfigurationOriginKind.GlobalFile => "global",
        ConfigurationOriginKind.ProjectFile => "project",
        ConfigurationOriginKind.Override => "override",
        _ => "file",
    };

    /// <summary><c>default</c>, <c>global /home/me/.conduit/config.yaml:4:3</c>, <c>override --port</c>, ...</summary>
    public override string ToString()
    {
        if (Source is null)
        {
            return LayerName;
        }

        var location = Source;
        if (Line is not null)
        {
            location += $":{Line}";
            if (Column is not null)
            {
                location += $":{Column}";
            }
        }

        return $"{LayerName} {location}";
    }
}
