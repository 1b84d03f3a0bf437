namespace UserAdmin.Portal.Features.Shared;

/// <summary>
/// Reports progress straight to a callback on the reporting thread. Unlike <see cref="Progress{T}"/> it posts nothing
/// to a synchronization context; a component's callback marshals itself through InvokeAsync.
/// </summary>
public sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
