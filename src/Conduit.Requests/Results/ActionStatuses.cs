namespace Conduit.Requests;

/// <summary>The status of one action in <c>conduit.results.v1</c>, and of the whole result.</summary>
public static class ActionStatuses
{
    /// <summary>Ran and succeeded.</summary>
    public const string Ok = "ok";

    /// <summary>Ran and failed, or had bad arguments.</summary>
    public const string Error = "error";

    /// <summary>Refused by policy, or its confirmation was refused.</summary>
    public const string Denied = "denied";

    /// <summary>Waits for a local confirmation (or review); did not run.</summary>
    public const string RequiresConfirmation = "requires_confirmation";

    /// <summary>Overall: some actions ran and some did not.</summary>
    public const string Partial = "partial";
}
