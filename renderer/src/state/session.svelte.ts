// Whether the shell still accepts us (the HTTP token can die when the server restarts).
export class Session {
  expired = $state(false);
  expire = () => {
    this.expired = true;
  };
}
