using System.Text.RegularExpressions;

namespace UserAdmin.Portal.E2E.Infrastructure;

/// <summary>Reads the .eml files a portal's pickup sender writes, as a person would find the link in their mailbox.</summary>
public static partial class PickupMail
{
    /// <summary>Waits for the message to <paramref name="recipient"/> and returns its raw text.</summary>
    public static async Task<string> WaitForMessageToAsync(string folder, string recipient, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (Directory.Exists(folder))
            {
                foreach (var file in Directory.GetFiles(folder, "*.eml").Order())
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (ToHeader().Match(text) is { Success: true } to && to.Value.Contains(recipient, StringComparison.OrdinalIgnoreCase))
                    {
                        return text;
                    }
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No email to {recipient} appeared in {folder}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The path and query of the activation link in the message's plain-text part (quoted-printable undone).</summary>
    public static string ActivationPathAndQuery(string eml)
    {
        var text = eml.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        var match = ActivationLink().Match(text);
        Assert.True(match.Success, "The email has no activation link.");
        return new Uri(match.Value).PathAndQuery;
    }

    [GeneratedRegex(@"^To: .*$", RegexOptions.Multiline)]
    private static partial Regex ToHeader();

    [GeneratedRegex(@"https?://[^\s/]+/Account/Activate\?user=[0-9a-f-]{36}&token=[A-Za-z0-9_-]{43}")]
    private static partial Regex ActivationLink();
}
