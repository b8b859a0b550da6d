/** What a server action refused, next to the field or above the button. */
export function FieldError({ errors }: { errors?: string[] }) {
  if (!errors?.length) return null;
  return <p className="mt-1 text-xs text-red-600 dark:text-red-400">{errors.join("; ")}</p>;
}

export function FormError({ message }: { message?: unknown }) {
  if (message == null || message === "") return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
      {String(message)}
    </p>
  );
}
