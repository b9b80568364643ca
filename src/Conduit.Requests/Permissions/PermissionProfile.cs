namespace Conduit.Requests;

/// <summary>What a session (or an approval) lets a request do (protocol §3).</summary>
public enum PermissionProfile
{
    /// <summary>Reads, status, diff, help and about run; writes and shell are denied.</summary>
    ReadOnly = 0,

    /// <summary>Reads run; <c>file.write</c>, <c>file.patch</c>, <c>agent.chat</c> and <c>runs.start</c> need confirmation; shell is denied.</summary>
    EditWithConfirmation,

    /// <summary>Reads run; writes, agent runs and <c>shell.run</c> (one action armed at a time) need confirmation.</summary>
    ShellManual,
}

/// <summary>Wire names of <see cref="PermissionProfile"/>.</summary>
public static class PermissionProfileNames
{
    /// <summary><c>read-only</c>, <c>edit-with-confirmation</c> or <c>shell-manual</c>.</summary>
    public static string ToName(this PermissionProfile profile) => profile switch
    {
        PermissionProfile.ReadOnly => "read-only",
        PermissionProfile.EditWithConfirmation => "edit-with-confirmation",
        PermissionProfile.ShellManual => "shell-manual",
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, null),
    };

    /// <summary>Parses a wire name.</summary>
    public static bool TryParse(string? name, out PermissionProfile profile)
    {
        profile = default;
        switch (name)
        {
            case "read-only": profile = PermissionProfile.ReadOnly; return true;
            case "edit-with-confirmation": profile = PermissionProfile.EditWithConfirmation; return true;
            case "shell-manual": profile = PermissionProfile.ShellManual; return true;
            default: return false;
        }
    }
}
