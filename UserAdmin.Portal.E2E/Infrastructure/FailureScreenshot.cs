using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Infrastructure;

internal static class FailureScreenshot
{
    /// <summary>Runs a test body; if it throws, saves a full-page PNG as TestResults/screenshots/{testName}.png and rethrows.</summary>
    public static async Task CaptureOnFailureAsync(IPage page, string testName, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            await TrySaveAsync(page, testName);
            throw;
        }
    }

    private static async Task TrySaveAsync(IPage page, string testName)
    {
        try
        {
            Directory.CreateDirectory(SolutionPaths.Screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(SolutionPaths.Screenshots, testName + ".png"),
                FullPage = true,
            });
        }
        catch (PlaywrightException)
        {
            // The page may be gone (closed or crashed); the test's own exception is what matters.
        }
    }
}
