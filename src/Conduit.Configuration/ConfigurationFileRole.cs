namespace Conduit.Configuration;

/// <summary>Which layer a configuration file is; the roles differ in the keys they may hold.</summary>
public enum ConfigurationFileRole
{
    /// <summary>The global file, <c>$CONDUIT_HOME/config.yaml</c>: may hold <c>conduit.projects</c>, not <c>conduit.project</c>.</summary>
    Global,

    /// <summary>A project file, <c>&lt;project&gt;/.conduit/config.yaml</c>: may hold <c>conduit.project</c>, not <c>conduit.projects</c>.</summary>
    Project,

    /// <summary>A file checked on its own, role unknown: both <c>conduit.project</c> and <c>conduit.projects</c> are accepted.</summary>
    Standalone,
}
