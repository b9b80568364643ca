using System.Security.Cryptography;
using System.Text;

namespace Conduit.Server.Security;

/// <summary>
/// The daemon's bearer token, kept in a file only its owner can read (mode 0600). A missing file is created with
/// 32 random bytes (base64url). The token is compared in constant time and never logged.
/// </summary>
public sealed class AuthTokenFile
{
    /// <summary>The fewest characters a token may have (32 random bytes in base64url are 43).</summary>
    public const int MinimumTokenLength = 43;

    private readonly byte[] _tokenBytes;

    private AuthTokenFile(string path, string token, bool created)
    {
        Path = path;
        Token = token;
        Created = created;
        _tokenBytes = Encoding.UTF8.GetBytes(token);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The token. Do not log it.</summary>
    public string Token { get; }

    /// <summary>Whether this call created the file.</summary>
    public bool Created { get; }

    /// <summary>Reads the token file, creating it when missing.</summary>
    /// <exception cref="ConduitException">The file is readable by others, too short, or cannot be written.</exception>
    public static AuthTokenFile LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            var directory = System.IO.Path.GetDirectoryName(fullPath)!;
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            var token = Base64Url(RandomNumberGenerator.GetBytes(32));
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(fullPath, options);
                stream.Write(Encoding.UTF8.GetBytes(token + "\n"));
                return new AuthTokenFile(fullPath, token, created: true);
            }
            catch (IOException) when (File.Exists(fullPath))
            {
                // Another process created it first: read theirs.
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new ConduitException($"Cannot create the auth token file {fullPath}: {exception.Message}", exception);
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(fullPath);
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & others) != 0)
            {
                throw new ConduitException($"The auth token file {fullPath} is accessible by other users (mode {Convert.ToString((int)mode, 8)}); run `chmod 600 {fullPath}`.");
            }
        }

        string existing;
        try
        {
            existing = File.ReadAllText(fullPath).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConduitException($"Cannot read the auth token file {fullPath}: {exception.Message}", exception);
        }

        if (existing.Length < MinimumTokenLength || existing.Any(char.IsWhiteSpace))
        {
            throw new ConduitException(
                $"The auth token in {fullPath} is too short or contains whitespace: it needs at least {MinimumTokenLength} characters "
                + "(32 random bytes). Delete the file to have a new one generated.");
        }

        return new AuthTokenFile(fullPath, existing, created: false);
    }

    /// <summary>Whether <paramref name="candidate"/> is the token, compared in constant time.</summary>
    public bool Matches(string? candidate)
    {
        if (candidate is null)
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(candidate);
        return CryptographicOperations.FixedTimeEquals(bytes, _tokenBytes);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
