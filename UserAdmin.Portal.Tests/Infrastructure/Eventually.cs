using System.Diagnostics;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>Waits for a condition that another thread makes true (a background log sink, a render), polling briefly.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Gave up after {limit.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
