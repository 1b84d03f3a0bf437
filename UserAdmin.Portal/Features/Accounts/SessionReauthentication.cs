using Radzen;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>
/// One circuit's "confirm it's you": keeps the circuit's proof while it lasts, and otherwise asks for the password in
/// a dialog. Pages call <see cref="ProveAsync"/> just before a sensitive action and pass the actor it returns.
/// </summary>
public sealed class SessionReauthentication(ReauthenticationService reauthentication, DialogService dialogs)
{
    private string? _proof;

    /// <summary>The actor carrying a live proof, or null when the person cancelled.</summary>
    public async Task<Actor?> ProveAsync(Actor actor, string purpose)
    {
        if (_proof is not null && reauthentication.Holds(actor with { Reauthentication = _proof }))
        {
            return actor with { Reauthentication = _proof };
        }

        var proof = await dialogs.OpenAsync<ReauthenticationDialog>("Confirm it's you",
            new Dictionary<string, object?> { [nameof(ReauthenticationDialog.AccountId)] = actor.AccountId, [nameof(ReauthenticationDialog.Purpose)] = purpose },
            new DialogOptions { Width = "440px" }) as string;
        if (proof is null)
        {
            return null;
        }

        _proof = proof;
        return actor with { Reauthentication = proof };
    }
}
