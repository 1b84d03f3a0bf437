using System.Globalization;
using System.Security.Cryptography;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>The cells and colour of an account's identicon, derived from a hash of its id.</summary>
public sealed record IdenticonPattern(List<(int X, int Y)> Cells, string Colour)
{
    public static IdenticonPattern For(Guid accountId)
    {
        var hash = SHA256.HashData(accountId.ToByteArray());
        var cells = new List<(int, int)>();
        for (var y = 0; y < 5; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                if ((hash[(y * 3) + x] & 1) == 1)
                {
                    cells.Add((x, y));
                    if (x < 2)
                    {
                        cells.Add((4 - x, y));
                    }
                }
            }
        }

        var hue = ((hash[20] << 8) | hash[21]) % 360;
        return new IdenticonPattern(cells, string.Create(CultureInfo.InvariantCulture, $"hsl({hue}, 55%, 45%)"));
    }
}
