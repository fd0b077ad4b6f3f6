import Link from "next/link";

export default function NotFound() {
  return (
    <section className="card">
      <h1>Not found</h1>
      <p>There is nothing here for your account. It may have been removed, or the link is wrong.</p>
      <p><Link href="/overview">Back to the overview</Link></p>
    </section>
  );
}
