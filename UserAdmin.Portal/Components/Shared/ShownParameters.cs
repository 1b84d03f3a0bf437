namespace UserAdmin.Portal.Components.Shared;

/// <summary>
/// What a component last rendered from its parameters. Blazor re-renders a child every time its parent renders when
/// any parameter is an object or a callback, even one handed over unchanged; a component that keeps one of these
/// can skip such a render (a live refresh of the page around it) when what it shows is the same.
/// </summary>
/// <example>
/// <code>
/// public override Task SetParametersAsync(ParameterView parameters)
/// {
///     parameters.SetParameterProperties(this);
///     return _shown.Changed((Filter, Groups)) ? base.SetParametersAsync(ParameterView.Empty) : Task.CompletedTask;
/// }
/// </code>
/// </example>
public sealed class ShownParameters
{
    private object? _shown;
    private bool _rendered;

    /// <summary>True (and remembered) when <paramref name="now"/> differs from what was shown, or nothing was yet.</summary>
    public bool Changed<T>(T now)
    {
        if (_rendered && _shown is T shown && EqualityComparer<T>.Default.Equals(shown, now))
        {
            return false;
        }

        _shown = now;
        _rendered = true;
        return true;
    }
}
