using System.Text.RegularExpressions;

namespace Conduit.Requests;

/// <summary>
/// Shell commands denied outright, in every profile and mode: <c>rm -rf</c> (any flag spelling), <c>sudo</c>,
/// <c>chmod -R 777</c>, <c>mkfs</c>, <c>dd if=</c>. Best effort against obfuscation: the real gate is that
/// <c>shell.run</c> always needs a local confirmation.
/// </summary>
internal static partial class DestructiveShell
{
    private static readonly (Regex Pattern, string Name)[] Rules =
    [
        (RecursiveForceRemove(), "rm -rf"),
        (LongRecursiveForceRemove(), "rm -rf"),
        (Sudo(), "sudo"),
        (ChmodRecursive777(), "chmod -R 777"),
        (Mkfs(), "mkfs"),
        (DdInput(), "dd if="),
    ];

    /// <summary>The name of the rule the command breaks, or <see langword="null"/>.</summary>
    public static string? Match(string command)
    {
        foreach (var (pattern, name) in Rules)
        {
            if (pattern.IsMatch(command))
            {
                return name;
            }
        }

        return null;
    }

    [GeneratedRegex(@"(^|[\s;&|(`$])rm\s+(?=[^;&|\n]*\s-[A-Za-z]*[rR])(?=[^;&|\n]*\s-[A-Za-z]*f)|(^|[\s;&|(`$])rm\s+(?:-[A-Za-z]*[rR][A-Za-z]*f|-[A-Za-z]*f[A-Za-z]*[rR])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex RecursiveForceRemove();

    [GeneratedRegex(@"(^|[\s;&|(`$])rm\s[^;&|\n]*(--recursive|-[A-Za-z]*[rR])[^;&|\n]*(--force|-[A-Za-z]*f)|(^|[\s;&|(`$])rm\s[^;&|\n]*(--force|-[A-Za-z]*f)[^;&|\n]*(--recursive|-[A-Za-z]*[rR])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex LongRecursiveForceRemove();

    [GeneratedRegex(@"(^|[\s;&|(`$])(sudo|doas)(\s|$)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Sudo();

    [GeneratedRegex(@"(^|[\s;&|(`$])chmod\s[^;&|\n]*(-[A-Za-z]*R|--recursive)[^;&|\n]*\b0?777\b", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ChmodRecursive777();

    [GeneratedRegex(@"(^|[\s;&|(`$])mkfs(\.\w+)?(\s|$)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Mkfs();

    [GeneratedRegex(@"(^|[\s;&|(`$])dd\s[^;&|\n]*\bif=", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex DdInput();
}
