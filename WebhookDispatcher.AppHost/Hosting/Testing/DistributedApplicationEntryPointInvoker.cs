using System.Reflection;

namespace WebhookDispatcher.AppHost.Hosting.Testing;

/// <summary>
/// Runs an AppHost's entry point for a test and takes the builder it models, the way Aspire's
/// DistributedApplicationFactory does. The entry point runs on a thread of its own, where
/// <see cref="DistributedApplication.CreateBuilder"/> finds this invoker and makes a builder with the test's options;
/// that builder's first <see cref="DistributedApplicationBuilder.Build"/> hands it over here and ends the entry point,
/// before anything has started.
/// </summary>
internal sealed class DistributedApplicationEntryPointInvoker
{
    // Set only on the entry point's own thread (and what it starts), so two tests building apps at once, or a
    // builder made anywhere else, never see another call's options.
    private static readonly AsyncLocal<DistributedApplicationEntryPointInvoker?> _current = new();

    private readonly TaskCompletionSource<DistributedApplicationBuilder> _builder = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<DistributedApplicationOptions>? _configureOptions;

    private DistributedApplicationEntryPointInvoker(Action<DistributedApplicationOptions>? configureOptions)
    {
        _configureOptions = configureOptions;
    }

    /// <summary>The invoker whose entry point is running on this thread, if any.</summary>
    public static DistributedApplicationEntryPointInvoker? Current => _current.Value;

    /// <summary>
    /// Runs <paramref name="assembly"/>'s entry point with <paramref name="args"/> and returns the builder it modelled.
    /// An exception the entry point throws first is thrown here, as it was thrown there.
    /// </summary>
    public static Task<DistributedApplicationBuilder> InvokeAsync(
        Assembly assembly,
        string[] args,
        Action<DistributedApplicationOptions>? configureOptions,
        CancellationToken cancellationToken)
    {
        var entryPoint = assembly.EntryPoint
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no entry point; pass a type of the AppHost's assembly, or its Projects.* type.");
        var invoker = new DistributedApplicationEntryPointInvoker(configureOptions);
        var thread = new Thread(() => invoker.Run(entryPoint, args))
        {
            // An entry point that never reaches Build() must not keep the test process alive.
            IsBackground = true,
            Name = $"{assembly.GetName().Name} entry point",
        };
        thread.Start();
        return invoker._builder.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The entry point's builder: the test harness's defaults, then the AppHost's switches in the args, then the test's own changes.</summary>
    public DistributedApplicationBuilder CreateBuilder(string[] args)
    {
        var options = DistributedApplicationTestingBuilder.CreateOptions();
        var remainingArgs = options.ReadArgs(args);
        _configureOptions?.Invoke(options);
        return new DistributedApplicationBuilder(options, remainingArgs, this);
    }

    /// <summary>Gives the test the builder; the exception returned is for the caller to throw, to end the entry point.</summary>
    public Exception HandOver(DistributedApplicationBuilder builder)
    {
        _builder.TrySetResult(builder);
        return new EntryPointHandedOverException();
    }

    private void Run(MethodInfo entryPoint, string[] args)
    {
        _current.Value = this;
        try
        {
            var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
            if (result is Task task)
            {
                task.GetAwaiter().GetResult();
            }
            _builder.TrySetException(new InvalidOperationException(
                $"{entryPoint.DeclaringType?.Assembly.GetName().Name}'s entry point returned without building the builder from DistributedApplication.CreateBuilder."));
        }
        catch (Exception ex) when (Unwrap(ex) is EntryPointHandedOverException)
        {
        }
        catch (Exception ex)
        {
            _builder.TrySetException(Unwrap(ex));
        }
    }

    private static Exception Unwrap(Exception ex) => ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;

    /// <summary>Unwinds the entry point from its Build() once the test has the builder, so its Run() never happens.</summary>
    private sealed class EntryPointHandedOverException() : Exception("The test harness has taken the app model; the entry point ends here.");
}
