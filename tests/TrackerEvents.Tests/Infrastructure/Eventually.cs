namespace TrackerEvents.Tests.Infrastructure;

/// <summary>Awaits a condition that becomes true by itself (a background writer, a simulator), with a deadline.</summary>
internal static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}.");
            }

            await Task.Delay(25);
        }
    }

    public static Task Until(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        Until<object>(async () => await probe() ? new object() : null, timeout, what);
}
