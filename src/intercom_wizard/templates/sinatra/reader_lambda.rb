  read = lambda do |*names|
    values = names.map do |n|
      next user[n] || user[n.to_s] if user.is_a?(Hash)

      user.public_send(n) if user.respond_to?(n)
    end
    values.find { |value| !value.to_s.empty? }
  end
