// A labelled choice among a vocabulary, with "any" for no filter; the value lives in the URL.
export function FilterSelect({
  label,
  values,
  value,
  onChange,
  anyLabel = 'any',
}: {
  label: string;
  values: readonly string[];
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  anyLabel?: string;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{anyLabel}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
    </label>
  );
}
