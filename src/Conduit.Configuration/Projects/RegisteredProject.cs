namespace Conduit.Configuration;

/// <summary>A project in the registry: its id, its root directory and where it was registered.</summary>
public sealed class RegisteredProject
{
    /// <summary>The project id.</summary>
    public required string Id { get; init; }

    /// <summary>The project's root directory, absolute.</summary>
    public required string Path { get; init; }

    /// <summary>Where the entry came from: <c>conduit.projects.&lt;id&gt;.path</c> in the global file, or <c>conduit.project.id</c> of the current project file.</summary>
    public required ConfigurationOrigin Origin { get; init; }
}
